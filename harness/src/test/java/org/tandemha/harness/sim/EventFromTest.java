package org.tandemha.harness.sim;

import com.xensource.xenapi.Connection;
import com.xensource.xenapi.Event;
import com.xensource.xenapi.EventBatch;
import com.xensource.xenapi.Types;
import com.xensource.xenapi.VM;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tandemha.harness.sim.SimLab.*;

/** event.from (§2.7) through the real SDK: tokens, the first batch, blocking, coalescing, subscriptions. */
class EventFromTest {
    private static final String TOKEN = "\\d{20},\\d{20}";
    private SimLab lab;

    @AfterEach
    void stop() {
        if (lab != null) lab.close();
    }

    @Test
    void firstBatchAddsEveryObjectOfTheSubscribedClasses() throws Exception {
        lab = SimLab.start();
        Connection c = lab.login(HOST_A);
        // §2.7 token: "" means from the beginning; the first batch has an add with a snapshot per object.
        EventBatch batch = Event.from(c, Set.of("vm"), "", 0.0);
        assertTrue(batch.token.matches(TOKEN), batch.token);
        Set<String> refs = batch.events.stream().map(e -> e.ref).collect(Collectors.toSet());
        assertEquals(VM.getAll(c).stream().map(VM::toWireString).collect(Collectors.toSet()), refs);
        for (Event.Record e : batch.events) {
            assertEquals("vm", e.clazz);
            assertEquals(Types.EventOperation.ADD, e.operation);
            assertTrue(e.snapshot instanceof VM.Record, "snapshot: " + e.snapshot);
        }
        VM.Record webA = (VM.Record) batch.events.stream().filter(e -> e.ref.equals(lab.pool.vmRef(VM_ON_A)))
                .findFirst().orElseThrow().snapshot;
        assertEquals(Types.VmPowerState.RUNNING, webA.powerState);
        assertEquals("web-a", webA.nameLabel);

        // Class names are case-insensitive; "*" is every class; unknown classes never match.
        assertEquals(refs.size(), Event.from(c, Set.of("VM"), "", 0.0).events.size());
        Set<String> all = Event.from(c, Set.of("*"), "", 0.0).events.stream().map(e -> e.clazz).collect(Collectors.toSet());
        assertTrue(all.containsAll(Set.of("pool", "host", "host_metrics", "vm", "vm_appliance")), all.toString());
        EventBatch none = Event.from(c, Set.of("no_such_class"), "", 0.2);
        assertTrue(none.events.isEmpty());
        assertTrue(none.token.matches(TOKEN));
    }

    @Test
    void blocksUntilAVmHaltsAndSeesItPromptly() throws Exception {
        lab = SimLab.start();
        Connection c = lab.login(HOST_A);
        String token = Event.from(c, Set.of("vm"), "", 0.0).token;
        // Nothing changed since the token: an empty batch after the timeout, with a token again (§2.7).
        EventBatch idle = Event.from(c, Set.of("vm"), token, 0.3);
        assertTrue(idle.events.isEmpty());

        CompletableFuture<EventBatch> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return Event.from(c, Set.of("vm"), idle.token, 30.0);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        // The blocked event.from must not hold up other calls (here on a second session).
        Connection other = lab.login(HOST_A);
        VM web = VM.getByUuid(other, VM_ON_C);
        web.hardShutdown(other);
        long halted = System.nanoTime();
        EventBatch batch = waiting.get(500, TimeUnit.MILLISECONDS);
        long seenAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - halted);
        assertTrue(seenAfterMs <= 500, "seen after " + seenAfterMs + " ms");
        // Coalesced: one event per object; the halted VM is a mod with its latest state.
        Event.Record e = batch.events.stream().filter(r -> r.ref.equals(web.toWireString())).findFirst().orElseThrow();
        assertEquals(Types.EventOperation.MOD, e.operation);
        assertEquals(Types.VmPowerState.HALTED, ((VM.Record) e.snapshot).powerState);
        assertEquals(1, batch.events.stream().filter(r -> r.ref.equals(web.toWireString())).count());
        assertNotEquals(idle.token, batch.token);
        assertTrue(batch.token.compareTo(idle.token) > 0);
    }

    @Test
    void oneObjectSubscriptionAndHostEvents() throws Exception {
        lab = SimLab.start();
        Connection c = lab.login(HOST_A);
        String vmB = lab.pool.vmRef(VM_ON_B);
        EventBatch first = Event.from(c, Set.of("vm/" + vmB), "", 0.0);
        assertEquals(Set.of(vmB), first.events.stream().map(r -> r.ref).collect(Collectors.toSet()));

        String hosts = Event.from(c, Set.of("host"), "", 0.0).token;
        lab.pool.setHostEnabled(HOST_C, false);
        EventBatch changed = Event.from(c, Set.of("host"), hosts, 5.0);
        Event.Record e = changed.events.stream().filter(r -> r.ref.equals(lab.pool.hostRef(HOST_C))).findFirst().orElseThrow();
        assertEquals(Boolean.FALSE, ((com.xensource.xenapi.Host.Record) e.snapshot).enabled);
        // The one-VM subscription saw nothing of it.
        assertTrue(Event.from(c, Set.of("vm/" + vmB), first.token, 0.1).events.isEmpty());
    }

    @Test
    void unparsableTokenFails() throws Exception {
        lab = SimLab.start();
        Connection c = lab.login(HOST_A);
        Types.EventFromTokenParseFailure e = assertThrows(Types.EventFromTokenParseFailure.class,
                () -> Event.from(c, Set.of("vm"), "garbage", 1.0));
        assertEquals("garbage", e.token);
        assertEquals(SimLab.failure("EVENT_FROM_TOKEN_PARSE_FAILURE", "1,2,3"),
                lab.raw(HOST_A, "event.from", c.getSessionReference(), "<array><data><value>vm</value></data></array>",
                        "1,2,3", "<double>1.0</double>"));
    }
}
