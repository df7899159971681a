package org.tandemha.harness.sim;

import com.xensource.xenapi.Connection;
import com.xensource.xenapi.Task;
import com.xensource.xenapi.Types;
import com.xensource.xenapi.VM;
import com.xensource.xenapi.VMAppliance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tandemha.harness.sim.SimLab.*;

/** Async.* with task polling (§1.4, §2.6) and VM_appliance.start (§2.5). */
class SimPoolAsyncTest {
    private SimLab lab;

    @AfterEach
    void stop() {
        if (lab != null) lab.close();
    }

    private static Types.TaskStatusType finished(Connection c, Task t) throws Exception {
        return SimFixtures.await(Duration.ofSeconds(10), () -> {
            Types.TaskStatusType s = t.getStatus(c);
            if (s == Types.TaskStatusType.PENDING) throw new IllegalStateException("still pending");
            return s;
        });
    }

    @Test
    void asyncVmStartReturnsATaskThatSucceeds() throws Exception {
        lab = SimLab.start();
        Connection c = lab.login(HOST_A);
        Task task = VM.getByUuid(c, VM_HALTED).startAsync(c, false, false);
        assertEquals(Types.TaskStatusType.SUCCESS, finished(c, task));
        Task.Record r = task.getRecord(c);
        assertEquals("Async.VM.start", r.nameLabel);
        assertEquals("<value></value>", r.result); // §2.6: void serialises as an empty value
        assertEquals(1.0, r.progress);
        assertEquals(lab.pool.hostRef(HOST_A), r.residentOn.toWireString());
        assertTrue(r.errorInfo.isEmpty());
        assertTrue(r.finished.getTime() >= r.created.getTime());
        assertEquals("Running", lab.pool.vmPowerState(VM_HALTED));
        assertTrue(Task.getAllRecords(c).containsKey(task));

        // A failing call fails its task, not the Async call (§1.4 step 5).
        Task again = VM.getByUuid(c, VM_HALTED).startAsync(c, false, false);
        assertEquals(Types.TaskStatusType.FAILURE, finished(c, again));
        assertEquals(List.of("VM_BAD_POWER_STATE", lab.pool.vmRef(VM_HALTED), "halted", "running"),
                List.copyOf(again.getErrorInfo(c)));
        again.destroy(c);
        assertThrows(Types.HandleInvalid.class, () -> again.getStatus(c));
    }

    @Test
    void noAsyncForSessionEventAndTaskCalls() throws Exception {
        lab = SimLab.start();
        String session = sessionOf(lab.raw(HOST_A, "session.login_with_password", "root", "secret"));
        // §1.4: parameter count, then session, then the missing async mode (named without the prefix).
        assertEquals(failure("Fault", "No async mode for this operation (rpc: event.from)"),
                lab.raw(HOST_A, "Async.event.from", session, "", "", "1.0"));
        assertEquals(failure("Fault", "No async mode for this operation (rpc: session.logout)"),
                lab.raw(HOST_A, "Async.session.logout", session));
        assertEquals(failure("MESSAGE_PARAMETER_COUNT_MISMATCH", "VM.start", "3", "1"),
                lab.raw(HOST_A, "Async.VM.start", session, "OpaqueRef:x"));
        assertEquals(failure("SESSION_INVALID", "OpaqueRef:bogus"), lab.raw(HOST_A, "Async.session.logout", "OpaqueRef:bogus"));
        assertEquals(failure("Fault", "No async mode for this operation (rpc: VM.get_record)"),
                lab.raw(HOST_A, "Async.VM.get_record", session, lab.pool.vmRef(VM_ON_C)));
        String body = lab.raw(HOST_A, "Async.VM.hard_shutdown", session, lab.pool.vmRef(VM_ON_C));
        assertTrue(body.contains("<value>Success</value>") && body.contains("OpaqueRef:"), body);
    }

    @Test
    void applianceStartsGroupsByOrderEachInParallel() throws Exception {
        lab = SimLab.start();
        Connection c = lab.login(HOST_A);
        VMAppliance app = VMAppliance.getByUuid(c, APP);
        assertEquals(3, app.getRecord(c).VMs.size());
        Instant before = Instant.now();
        app.start(c, false);
        for (String vm : List.of(APP_FIRST_1, APP_FIRST_2, APP_SECOND)) assertEquals("Running", lab.pool.vmPowerState(vm));
        Instant first1 = lab.pool.vmLastStartedAt(APP_FIRST_1);
        Instant first2 = lab.pool.vmLastStartedAt(APP_FIRST_2);
        Instant second = lab.pool.vmLastStartedAt(APP_SECOND);
        // Order 0 started together; each sleeps its start_delay of 1 s, which gates order 1 (§2.5).
        assertTrue(Duration.between(first1, first2).abs().toMillis() < 500, first1 + " vs " + first2);
        Instant lastOfFirst = first1.isAfter(first2) ? first1 : first2;
        assertTrue(Duration.between(lastOfFirst, second).toMillis() >= 900, lastOfFirst + " then " + second);
        assertTrue(Duration.between(before, Instant.now()).toMillis() < 1950, "groups ran sequentially VM by VM");

        Types.OperationNotAllowed none = assertThrows(Types.OperationNotAllowed.class, () -> app.start(c, false));
        assertEquals("There are no halted VMs in this appliance.", none.reason);
        Types.OperationNotAllowed empty = assertThrows(Types.OperationNotAllowed.class,
                () -> VMAppliance.getByUuid(c, APP_EMPTY).start(c, false));
        assertEquals("Appliance has no VMs.", empty.reason);
    }

    @Test
    void applianceStartReportsVmsLeftHalted() throws Exception {
        lab = SimLab.start();
        Connection c = lab.login(HOST_A);
        lab.pool.failCall(SimPool.ALL_HOSTS, "VM.start", 1, "NO_HOSTS_AVAILABLE");
        VMAppliance solo = VMAppliance.getByUuid(c, APP_SOLO);
        Types.OperationPartiallyFailed e = assertThrows(Types.OperationPartiallyFailed.class, () -> solo.start(c, false));
        assertEquals("VM_appliance.start", e.operation);
        assertEquals("Halted", lab.pool.vmPowerState(APP_SOLO_VM));
        lab.pool.failCall(SimPool.ALL_HOSTS, "VM.start", 1, "NO_HOSTS_AVAILABLE");
        String session = sessionOf(lab.raw(HOST_A, "session.login_with_password", "root", "secret"));
        assertEquals(failure("OPERATION_PARTIALLY_FAILED", "VM_appliance.start", lab.pool.vmRef(APP_SOLO_VM)),
                lab.raw(HOST_A, "VM_appliance.start", session, solo.toWireString(), "<boolean>0</boolean>"));
        assertEquals("Halted", lab.pool.vmPowerState(APP_SOLO_VM));

        Map<VMAppliance, VMAppliance.Record> all = VMAppliance.getAllRecords(c);
        assertEquals(3, all.size());
        assertTrue(all.get(solo).currentOperations.isEmpty());
        // The injected failure was used up: the async form now succeeds.
        Task t = solo.startAsync(c, false);
        assertEquals(Types.TaskStatusType.SUCCESS, finished(c, t));
        assertEquals("Running", lab.pool.vmPowerState(APP_SOLO_VM));
    }
}
