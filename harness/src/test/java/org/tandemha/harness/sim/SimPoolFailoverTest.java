package org.tandemha.harness.sim;

import com.xensource.xenapi.Connection;
import com.xensource.xenapi.Host;
import com.xensource.xenapi.Pool;
import com.xensource.xenapi.Session;
import com.xensource.xenapi.Types;
import com.xensource.xenapi.VM;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tandemha.harness.sim.SimLab.*;

/** Master loss, emergency mode and failover (§3.2, §3.3). */
class SimPoolFailoverTest {
    private static final String FALSE = "<member><name>Value</name><value><boolean>0</boolean></value></member>";
    private static final String TRUE = "<member><name>Value</name><value><boolean>1</boolean></value></member>";
    private SimLab lab;

    @AfterEach
    void stop() {
        if (lab != null) lab.close();
    }

    @Test
    void slaveOfADeadMasterRedirectsLoginsAndBlocksDbCalls() throws Exception {
        lab = SimLab.start();
        Connection localB = lab.localLogin(HOST_B);
        String oldSession = sessionOf(lab.raw(HOST_A, "session.login_with_password", "root", "secret"));
        lab.pool.powerOff(HOST_A);

        // §3.2: login is answered from pool.conf at once.
        Types.HostIsSlave redirect = assertThrows(Types.HostIsSlave.class,
                () -> Session.loginWithPassword(lab.connect(HOST_B), "root", "secret"));
        assertEquals(ADDR_A, redirect.masterIPAddress);
        // Local calls work; a running supporter is not in emergency mode.
        String local = sessionOf(lab.raw(HOST_B, "session.slave_local_login_with_password", "root", "secret"));
        assertTrue(lab.raw(HOST_B, "host.is_in_emergency_mode", local).contains(FALSE));

        // A DB call blocks until the master returns (here bounded to 1 s → INTERNAL_ERROR).
        lab.pool.setSlaveDbWaitMax(Duration.ofSeconds(1));
        long t0 = System.nanoTime();
        String timedOut = lab.raw(HOST_B, "pool.get_all", oldSession);
        assertTrue(timedOut.contains("<value>INTERNAL_ERROR</value>"), timedOut);
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) >= 900);
        assertTrue(lab.raw(HOST_B, "Async.VM.start", local, lab.pool.vmRef(VM_HALTED), "<boolean>0</boolean>",
                "<boolean>0</boolean>").contains("<value>INTERNAL_ERROR</value>"));

        lab.pool.setSlaveDbWaitMax(Duration.ofMinutes(1));
        CompletableFuture<Integer> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                return VM.getAllRecords(localB).size();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        assertThrows(TimeoutException.class, () -> blocked.get(300, TimeUnit.MILLISECONDS));
        lab.pool.powerOn(HOST_A);
        assertEquals(11, blocked.get(10, TimeUnit.SECONDS));
        // The master's restart dropped the pool sessions.
        assertEquals(failure("SESSION_INVALID", oldSession), lab.raw(HOST_A, "pool.get_all", oldSession));
    }

    @Test
    void legacyFlagEntersEmergencyModeAfterTheDelay() throws Exception {
        lab = SimLab.start();
        lab.pool.legacyEmergencyAfter(Duration.ofMillis(300));
        lab.pool.powerOff(HOST_A);
        SimFixtures.await(Duration.ofSeconds(5), () -> {
            if (!lab.pool.isInEmergencyMode(HOST_B)) throw new IllegalStateException("not yet");
            return null;
        });
        // §3.2: login is not an emergency call, so it gets the stored error, not HOST_IS_SLAVE.
        assertThrows(Types.InternalError.class, () -> Session.loginWithPassword(lab.connect(HOST_B), "root", "secret"));
        String local = sessionOf(lab.raw(HOST_B, "session.slave_local_login_with_password", "root", "secret"));
        assertTrue(lab.raw(HOST_B, "host.is_in_emergency_mode", local).contains(TRUE));
        assertTrue(lab.raw(HOST_B, "VM.get_all", local).contains("<value>INTERNAL_ERROR</value>"));

        // pool.hello succeeds once the master is back: emergency mode ends.
        lab.pool.powerOn(HOST_A);
        SimFixtures.await(Duration.ofSeconds(5), () -> {
            if (lab.pool.isInEmergencyMode(HOST_B)) throw new IllegalStateException("still in emergency mode");
            return null;
        });
        assertThrows(Types.HostIsSlave.class, () -> Session.loginWithPassword(lab.connect(HOST_B), "root", "secret"));
    }

    @Test
    void promotedSlaveLoadsItsStaleBackup() throws Exception {
        lab = SimLab.start();
        Connection master = lab.login(HOST_A);
        lab.pool.pushDbBackupNow();
        lab.pool.dropDbPush(true);
        // Changes after the last push: the promoted slave will not know them (§3.3 step 3).
        VM.getByUuid(master, VM_ON_C).hardShutdown(master);
        Pool.getAll(master).iterator().next().addToOtherConfig(master, "tandem.lease", "node-1");
        lab.pool.powerOff(HOST_A);

        Connection localB = lab.localLogin(HOST_B);
        Pool.emergencyTransitionToMaster(localB);
        Connection c = lab.awaitLogin(HOST_B);
        assertEquals(HOST_B, lab.pool.masterUuid());
        assertEquals(Types.VmPowerState.RUNNING, VM.getByUuid(c, VM_ON_C).getPowerState(c));
        assertEquals(Map.of("tandem.epoch", "1"), Pool.getAll(c).iterator().next().getOtherConfig(c));
        // §3.3 step 5: the dead old master stays live with its VMs Running on it.
        Host a = Host.getByUuid(c, HOST_A);
        assertTrue(a.getMetrics(c).getLive(c));
        assertTrue(a.getEnabled(c));
        assertEquals(Types.VmPowerState.RUNNING, VM.getByUuid(c, VM_ON_A).getPowerState(c));
        assertEquals(a, VM.getByUuid(c, VM_ON_A).getResidentOn(c));
        // Sessions and tasks are gone; recover_slaves repoints the reachable hosts only.
        String old = master.getSessionReference();
        assertEquals(failure("SESSION_INVALID", old), lab.raw(HOST_B, "pool.get_all", old));
        Set<String> recovered = Pool.recoverSlaves(c).stream().map(Host::toWireString).collect(Collectors.toSet());
        assertEquals(Set.of(lab.pool.hostRef(HOST_C)), recovered);
        assertEquals(HostRole.slaveOf(ADDR_B), lab.pool.hostRole(HOST_C));
    }

    @Test
    void freshBackupCarriesRecentChanges() throws Exception {
        lab = SimLab.start();
        Connection master = lab.login(HOST_A);
        VM.getByUuid(master, VM_ON_C).hardShutdown(master);
        lab.pool.pushDbBackupNow();
        lab.pool.powerOff(HOST_A);
        Pool.emergencyTransitionToMaster(lab.localLogin(HOST_B));
        Connection c = lab.awaitLogin(HOST_B);
        assertEquals(Types.VmPowerState.HALTED, VM.getByUuid(c, VM_ON_C).getPowerState(c));
    }

    @Test
    void oldMasterReturnsAndDemotesItself() throws Exception {
        lab = SimLab.start();
        lab.pool.powerOff(HOST_A);
        Pool.emergencyTransitionToMaster(lab.localLogin(HOST_B));
        Connection c = lab.awaitLogin(HOST_B);
        // The new master's GC marks the silent old master dead after host_assumed_dead_interval.
        lab.pool.setHostAssumedDeadInterval(Duration.ofMillis(300));
        SimFixtures.await(Duration.ofSeconds(5), () -> {
            if (Host.getByUuid(c, HOST_A).getMetrics(c).getLive(c)) throw new IllegalStateException("still live");
            return null;
        });

        lab.pool.powerOn(HOST_A);
        // §3.3 step 8: it finds another master answering and becomes its supporter.
        Types.HostIsSlave redirect = assertThrows(Types.HostIsSlave.class,
                () -> Session.loginWithPassword(lab.connect(HOST_A), "root", "secret"));
        assertEquals(ADDR_B, redirect.masterIPAddress);
        assertEquals(HostRole.slaveOf(ADDR_B), lab.pool.hostRole(HOST_A));
        assertEquals(HOST_B, lab.pool.masterUuid());
        assertTrue(Host.getByUuid(c, HOST_A).getMetrics(c).getLive(c));
    }
}
