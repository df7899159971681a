package org.tandemha.harness.sim;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tandemha.harness.sim.SimFixtures.HOST_A;
import static org.tandemha.harness.sim.SimFixtures.HOST_B;

/** {@link XapiSimServer#injectRawReply}: a hostile reply for client hardening tests (CVE-2019-17570). */
class RawReplyInjectionTest {
    private static final String ADDR_A = "127.0.0.37";
    private static final String ADDR_B = "127.0.0.38";
    /** The shape of the CVE-2019-17570 reply: a <fault> whose faultCause carries a serialized Java object. */
    private static final String FAULT = "<?xml version=\"1.0\"?><methodResponse><fault><value><struct>"
            + "<member><name>faultCode</name><value><int>0</int></value></member>"
            + "<member><name>faultString</name><value>boom</value></member>"
            + "<member><name>faultCause</name><value><base64>rO0ABXNyABNqYXZhLnV0aWwuQXJyYXlMaXN0</base64></value></member>"
            + "</struct></value></fault></methodResponse>";

    private SimPool pool;
    private XapiSimServer server;
    private URI master;

    @BeforeEach
    void start() throws Exception {
        pool = new SimPool(Wire.spec(ADDR_A, ADDR_B));
        server = new XapiSimServer(pool, 0);
        master = server.endpoint(HOST_A);
    }

    @AfterEach
    void stop() {
        server.close();
        pool.close();
    }

    @Test
    @DisplayName("the next N calls of that method on that host get exactly the injected body, in either protocol")
    void replacesTheNextCallsThenStops() throws Exception {
        String s = Wire.login(master, Wire.Protocol.XML);
        server.injectRawReply(HOST_A, "VM.get_all_records", 2, "text/xml", FAULT);

        Wire.Reply first = Wire.post(master.resolve("/RPC2"), "text/xml", Wire.xmlCall("VM.get_all_records", s));
        assertEquals(200, first.status());
        assertEquals("text/xml", first.contentType());
        assertEquals(FAULT, first.body());
        // Other methods, and the same method on another host, are untouched.
        assertTrue(Wire.call(master, Wire.Protocol.XML, "VM.get_all", s).ok());
        server.injectRawReply(HOST_B, "pool.get_all", 1, "text/xml", FAULT);
        assertEquals(List.of("HOST_IS_SLAVE", ADDR_A),
                Wire.call(server.endpoint(HOST_B), Wire.Protocol.XML, "VM.get_all_records", s).failure());
        // The second use goes out on the JSON path: the count is per method, not per protocol.
        Wire.Reply second = Wire.post(server.jsonRpcEndpoint(HOST_A), "application/json",
                Wire.jsonCall(Wire.Protocol.JSON_V2, 1L, "VM.get_all_records", s));
        assertEquals(FAULT, second.body());
        assertEquals("text/xml", second.contentType());

        assertEquals(5, ((java.util.Map<?, ?>) Wire.ok(master, Wire.Protocol.XML, "VM.get_all_records", s)).size());
        long raw = pool.callLog().stream()
                .filter(c -> c.method().equals("VM.get_all_records") && c.outcome().equals(XapiSimServer.RAW_REPLY_OUTCOME)
                        && c.hostAddress().equals(ADDR_A))
                .count();
        assertEquals(2, raw);
    }

    @Test
    @DisplayName("the replaced call does not run: a VM.start answered by the injection starts nothing")
    void replacedCallHasNoEffect() throws Exception {
        String s = Wire.login(master, Wire.Protocol.JSON_V2);
        String vm = pool.vmRef(SimFixtures.VM_HALTED);
        server.injectRawReply(HOST_A, "VM.start", 1, "application/json", "{\"not\":\"xapi\"}");
        Wire.Reply r = Wire.post(server.jsonRpcEndpoint(HOST_A), "application/json",
                Wire.jsonCall(Wire.Protocol.JSON_V2, 1L, "VM.start", s, vm, false, false));
        assertEquals("{\"not\":\"xapi\"}", r.body());
        assertEquals("Halted", pool.vmPowerState(SimFixtures.VM_HALTED));
        assertEquals(0, pool.startCount(SimFixtures.VM_HALTED));
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> server.injectRawReply(HOST_A, "VM.start", 0, "text/xml", FAULT));
        assertThrows(NullPointerException.class, () -> server.injectRawReply(HOST_A, "VM.start", 1, null, FAULT));
        assertThrows(RuntimeException.class, () -> server.injectRawReply("no-such-host", "VM.start", 1, "text/xml", FAULT));
    }
}
