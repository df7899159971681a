package org.tandemha.harness.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tandemha.harness.sim.SimLab.*;

import com.xensource.xenapi.Connection;
import com.xensource.xenapi.Host;
import com.xensource.xenapi.Pool;
import com.xensource.xenapi.VM;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The simulator's safety record reads the hypervisors, not the DB: it is what the multi-process tests
 * assert "no VM on two hosts, never two masters" against, so it must see the breaches HA-Lizard's
 * split brain produces (halizard-behaviour §10.1) and stay empty for a fenced takeover.
 */
class SimSafetyRecordTest {
    private SimLab lab;

    @AfterEach
    void stop() {
        if (lab != null) lab.close();
    }

    @Test
    void aFencedTakeoverKeepsTheRecordClean() throws Exception {
        lab = SimLab.start();
        lab.pool.powerOff(HOST_A);
        Pool.emergencyTransitionToMaster(lab.localLogin(HOST_B));
        Connection c = lab.awaitLogin(HOST_B);
        VM vm = VM.getByUuid(c, VM_ON_A);
        vm.powerStateReset(c);
        vm.startOn(c, Host.getByUuid(c, HOST_B), false, false);
        assertEquals(Set.of(VM_ON_B, VM_ON_A), lab.pool.domainsOn(HOST_B));
        assertEquals(List.of(), lab.pool.safetyBreaches());
    }

    @Test
    void aTakeoverAcrossAPartitionIsRecordedAsTwoMastersAndAVmTwice() throws Exception {
        lab = SimLab.start();
        lab.pool.partition(HOST_A, HOST_B);
        Pool.emergencyTransitionToMaster(lab.localLogin(HOST_B));
        Connection c = lab.awaitLogin(HOST_B);
        VM vm = VM.getByUuid(c, VM_ON_A);
        vm.powerStateReset(c);   // A cannot be contacted, so xapi believes it dead: a DB-only reset
        // The disk is still attached on A (SR_BACKEND_FAILURE_46) until HA-Lizard's `resetvdis.py --force` clears it.
        String onA = "host_" + Host.getByUuid(c, HOST_A).toWireString();
        for (com.xensource.xenapi.VBD b : vm.getVBDs(c)) b.getVDI(c).removeFromSmConfig(c, onA);
        vm.startOn(c, Host.getByUuid(c, HOST_B), false, false);
        List<String> breaches = lab.pool.safetyBreaches();
        assertTrue(breaches.stream().anyMatch(b -> b.contains("two pool masters at once: [host-a, host-b]")), breaches.toString());
        assertTrue(breaches.stream().anyMatch(b -> b.contains("VM web-a runs on [host-a, host-b] at once")), breaches.toString());
        assertTrue(lab.pool.domainsOn(HOST_A).contains(VM_ON_A), "the partitioned host still runs its guest");
    }

    @Test
    void aDestroyedDomainEndsTheGuestOnItsHostOnly() throws Exception {
        lab = SimLab.start();
        lab.pool.destroyDomain(HOST_B, VM_ON_B);
        assertEquals(Set.of(), lab.pool.domainsOn(HOST_B));
        assertEquals("Halted", lab.pool.vmPowerState(VM_ON_B), "B reaches the master, so the DB follows");
        lab.pool.partition(HOST_A, HOST_C);
        lab.pool.destroyDomain(HOST_C, VM_ON_C);
        assertEquals("Running", lab.pool.vmPowerState(VM_ON_C), "C cannot reach the DB: the row stays stale");
        assertEquals(List.of(), lab.pool.safetyBreaches());
    }
}
