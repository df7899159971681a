package org.tandemha.harness.sim;

import com.xensource.xenapi.Connection;
import com.xensource.xenapi.Host;
import com.xensource.xenapi.Pool;
import com.xensource.xenapi.Session;
import com.xensource.xenapi.Types;
import com.xensource.xenapi.VM;
import org.apache.xmlrpc.XmlRpcException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tandemha.harness.sim.SimLab.*;

/** Fault injection (§4.4) and the calls it affects: hang, injected errors and latency, partitions, declare_dead. */
class SimPoolFaultsTest {
    private SimLab lab;

    @AfterEach
    void stop() {
        if (lab != null) lab.close();
    }

    @Test
    void hungXapiTimesOutTheClientWhileOtherHostsAnswer() throws Exception {
        lab = SimLab.start();
        Connection master = lab.login(HOST_A);
        lab.pool.hangXapi(HOST_B);
        Connection impatient = new Connection(lab.url(HOST_B), 2, 5);
        long t0 = System.nanoTime();
        assertThrows(XmlRpcException.class, () -> Session.slaveLocalLoginWithPassword(impatient, "root", "secret"));
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(tookMs < 3500, "took " + tookMs + " ms");

        // The rest of the pool answers; forwarded calls to the hung host cannot contact it (§2 forwarding).
        assertEquals(11, VM.getAllRecords(master).size());
        assertThrows(Types.HostIsSlave.class, () -> Session.loginWithPassword(lab.connect(HOST_C), "root", "secret"));
        Types.CannotContactHost cch = assertThrows(Types.CannotContactHost.class,
                () -> Host.getByUuid(master, HOST_B).disable(master));
        assertEquals(lab.pool.hostRef(HOST_B), cch.host);
        // power_state_reset's is_slave probe gets no answer, so the host counts as dead (§2.4).
        VM.getByUuid(master, VM_ON_B).powerStateReset(master);
        assertEquals("Halted", lab.pool.vmPowerState(VM_ON_B));

        lab.pool.unhangXapi(HOST_B);
        lab.localLogin(HOST_B);
        Host.getByUuid(master, HOST_B).disable(master);
        assertFalse(lab.pool.hostEnabled(HOST_B));
    }

    @Test
    void injectedFailuresThenSuccessAndLatency() throws Exception {
        lab = SimLab.start();
        Connection c = lab.login(HOST_A);
        lab.pool.failCall(HOST_A, "VM.get_all_records", 2, "INTERNAL_ERROR", "injected");
        for (int i = 0; i < 2; i++) {
            Types.InternalError e = assertThrows(Types.InternalError.class, () -> VM.getAllRecords(c));
            assertEquals("injected", e.message);
        }
        assertEquals(11, VM.getAllRecords(c).size());
        // Session checks come first (§1.4): a bogus session is still SESSION_INVALID.
        lab.pool.failCall(SimPool.ALL_HOSTS, "pool.get_all", 1, "HOST_IS_SLAVE", ADDR_B);
        assertEquals(failure("SESSION_INVALID", "OpaqueRef:bogus"), lab.raw(HOST_A, "pool.get_all", "OpaqueRef:bogus"));
        Types.HostIsSlave slave = assertThrows(Types.HostIsSlave.class, () -> Pool.getAll(c));
        assertEquals(ADDR_B, slave.masterIPAddress);
        assertEquals(1, Pool.getAll(c).size());

        lab.pool.slowCalls(SimPool.ALL_HOSTS, Duration.ofMillis(400));
        long t0 = System.nanoTime();
        Pool.getAll(c);
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) >= 400);
        lab.pool.slowCalls(SimPool.ALL_HOSTS, Duration.ZERO);
    }

    @Test
    void partitionCutsXapiTrafficBetweenTwoHosts() throws Exception {
        lab = SimLab.start();
        Connection master = lab.login(HOST_A);
        Connection localB = lab.localLogin(HOST_B);
        lab.pool.setSlaveDbWaitMax(Duration.ofSeconds(1));
        lab.pool.partition(HOST_A, HOST_B);

        assertThrows(Types.CannotContactHost.class, () -> Host.getByUuid(master, HOST_B).disable(master));
        // §3.4: power_state_reset succeeds once the probe fails, although the VM may still run.
        VM.getByUuid(master, VM_ON_B).powerStateReset(master);
        assertEquals("Halted", lab.pool.vmPowerState(VM_ON_B));
        assertThrows(Types.HostIsLive.class, () -> VM.getByUuid(master, VM_ON_C).powerStateReset(master));
        Set<String> recovered = Pool.recoverSlaves(master).stream().map(Host::toWireString).collect(Collectors.toSet());
        assertEquals(Set.of(lab.pool.hostRef(HOST_C)), recovered);

        // The supporter's DB calls hang on the partitioned master, bounded by the configured wait.
        long t0 = System.nanoTime();
        assertThrows(Types.InternalError.class, () -> VM.getAllRecords(localB));
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) >= 900);
        // Its local calls still work (§3.2).
        assertEquals(failure("MESSAGE_PARAMETER_COUNT_MISMATCH", "session.slave_local_login_with_password", "2", "0"),
                lab.raw(HOST_B, "session.slave_local_login_with_password"));

        // Requests from A's address to B's endpoint (and back) get no answer; others do.
        assertTrue(lab.pool.blocks(ADDR_A, HOST_B));
        assertTrue(lab.pool.blocks(ADDR_B, HOST_A));
        assertFalse(lab.pool.blocks(ADDR_C, HOST_B));
        assertFalse(lab.pool.blocks("127.0.0.99", HOST_B));
        XapiCalls calls = new XapiCalls(lab.pool);
        CompletableFuture<XapiCalls.Outcome> fromA = CompletableFuture.supplyAsync(
                () -> calls.dispatch(HOST_B, "session.slave_local_login_with_password", List.of("root", "secret"), ADDR_A));
        assertThrows(TimeoutException.class, () -> fromA.get(300, TimeUnit.MILLISECONDS));
        assertTrue(calls.dispatch(HOST_B, "session.slave_local_login_with_password", List.of("root", "secret"), ADDR_C).ok());

        lab.pool.heal();
        assertTrue(fromA.get(5, TimeUnit.SECONDS).ok());
        assertEquals(11, VM.getAllRecords(localB).size());
        Host.getByUuid(master, HOST_B).disable(master);
        Host.getByUuid(master, HOST_B).enable(master);
        assertTrue(lab.pool.hostEnabled(HOST_B));
    }

    @Test
    void declareDeadHardShutdownAndForwardingErrors() throws Exception {
        lab = SimLab.start();
        Connection c = lab.login(HOST_A);
        Host b = Host.getByUuid(c, HOST_B);
        // §2.3: declare_dead contacts the host first.
        Types.HostIsLive live = assertThrows(Types.HostIsLive.class, () -> b.declareDead(c));
        assertEquals(b.toWireString(), live.host);

        lab.pool.powerOff(HOST_B);
        assertThrows(Types.CannotContactHost.class, () -> b.disable(c)); // still live=true: cannot contact
        b.declareDead(c);
        assertEquals("Halted", lab.pool.vmPowerState(VM_ON_B));
        assertNull(lab.pool.vmResidentOnUuid(VM_ON_B));
        assertFalse(lab.pool.hostEnabled(HOST_B));
        assertTrue(b.getResidentVMs(c).stream().allMatch(vm -> {
            try {
                return vm.getRecord(c).isControlDomain;
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }));
        lab.pool.setHostLive(HOST_B, false);
        Types.HostOffline offline = assertThrows(Types.HostOffline.class, () -> b.enable(c));
        assertEquals(b.toWireString(), offline.host);

        // §2.4 hard_shutdown: forwarded to the resident host; a Halted VM is a bad power state.
        VM web = VM.getByUuid(c, VM_ON_C);
        web.hardShutdown(c);
        assertEquals("Halted", lab.pool.vmPowerState(VM_ON_C));
        Types.VmBadPowerState bad = assertThrows(Types.VmBadPowerState.class, () -> web.hardShutdown(c));
        assertEquals("paused, suspended, running", bad.expected);
        assertEquals("halted", bad.actual);

        assertEquals(Set.of(web), VM.getByNameLabel(c, "web-c"));
        assertTrue(VM.getByNameLabel(c, "nope").isEmpty());
        String listing = lab.raw(HOST_C, "system.listMethods");
        assertTrue(listing.contains("<value>event.from</value>") && listing.contains("<value>VM_appliance.start</value>"), listing);
    }
}
