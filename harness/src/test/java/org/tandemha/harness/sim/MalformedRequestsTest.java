package org.tandemha.harness.sim;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tandemha.harness.sim.SimFixtures.HOST_A;
import static org.tandemha.harness.sim.SimFixtures.VM_ON_A;

/**
 * Bad input over every wire protocol: malformed documents are HTTP 500 with a text body (§1.1);
 * API-level errors are HTTP 200 Failures with the §1.4 error descriptions. After each case the
 * simulator must still answer normal calls in all protocols.
 */
class MalformedRequestsTest {
    private static final String ADDR_A = "127.0.0.33";
    private static final String ADDR_B = "127.0.0.34";

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

    private void assertStillAnswers() throws Exception {
        for (Wire.Protocol p : Wire.Protocol.values()) {
            String s = Wire.login(master, p);
            assertEquals(5, ((Map<?, ?>) Wire.ok(master, p, "VM.get_all_records", s)).size(), p.name());
        }
    }

    private static void assert500(Wire.Reply r, String prefix, String what) {
        assertEquals(500, r.status(), what + " -> " + r.body());
        assertEquals("text/plain", r.contentType(), what);
        assertTrue(r.body().startsWith(prefix), what + " -> " + r.body());
    }

    @Test
    @DisplayName("§1.1: malformed XML (incl. DOCTYPE/XXE, bad typed values) is HTTP 500 Xmlrpc.Parse_error")
    void badXml() throws Exception {
        List<String> bodies = List.of(
                "",
                "not xml at all",
                "<methodCall><methodName>session.login_with_password</methodName><params>",
                "<methodResponse><params/></methodResponse>",
                "<methodCall><params/></methodCall>",
                "<?xml version=\"1.0\"?><!DOCTYPE m [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                        + "<methodCall><methodName>&x;</methodName><params/></methodCall>",
                "<?xml version=\"1.0\"?><!DOCTYPE m [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;\">]>"
                        + "<methodCall><methodName>&b;</methodName></methodCall>",
                "<methodCall><methodName>VM.get_all</methodName><params><param><value><int>x</int></value></param></params></methodCall>",
                "<methodCall><methodName>VM.get_all</methodName><params><param><value><boolean>2</boolean></value></param></params></methodCall>",
                "<methodCall><methodName>VM.get_all</methodName><params><param><value><nil/></value></param></params></methodCall>",
                "<methodCall><methodName>VM.get_all</methodName><params><param/></params></methodCall>",
                "<methodCall><methodName>VM.get_all</methodName><params><param><value><struct><member><name>k</name></member></struct></value></param></params></methodCall>");
        for (String path : List.of("/", "/RPC2", "/xmlrpc")) {
            for (String body : bodies) {
                String what = path + " " + body.substring(0, Math.min(80, body.length()));
                assert500(Wire.post(master.resolve(path), "text/xml", body), "Xmlrpc.Parse_error(", what);
            }
        }
        // Not UTF-8 either.
        assert500(Wire.post(master, "text/xml", new byte[]{(byte) 0xff, (byte) 0xfe, 0, 0x3c}), "Xmlrpc.Parse_error(", "binary");
        assertStillAnswers();
    }

    @Test
    @DisplayName("§1.1: unparsable JSON is HTTP 500 Jsonrpc.Malformed_method_request")
    void badJson() throws Exception {
        URI json = server.jsonRpcEndpoint(HOST_A);
        List<String> bodies = List.of(
                "",
                "{",
                "not json",
                "[]",
                "\"just a string\"",
                "{\"jsonrpc\":\"2.0\",\"method\":\"VM.get_all\",\"params\":[},\"id\":1}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"VM.get_all\",\"params\":[],\"id\":1} trailing",
                "{\"jsonrpc\":\"2.0\",\"method\":\"VM.get_all\",\"params\":[\"\\u12\"],\"id\":1}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"VM.get_all\",\"params\":[99999999999999999999999],\"id\":1}",
                "{\"jsonrpc\":\"3.0\",\"method\":\"VM.get_all\",\"params\":[],\"id\":1}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"VM.get_all\",\"params\":" + "[".repeat(100_000) + "]".repeat(100_000) + ",\"id\":1}");
        for (String body : bodies) {
            assert500(Wire.post(json, "application/json", body), "Jsonrpc.Malformed_method_request(",
                    body.substring(0, Math.min(80, body.length())));
        }
        assert500(Wire.post(json, "application/json", new byte[]{'{', (byte) 0xc3, '}'}),
                "Jsonrpc.Malformed_method_request(", "invalid UTF-8");
        assertStillAnswers();
    }

    @Test
    @DisplayName("§1.1/§1.6: a JSON request without a usable id, method or params array is HTTP 500")
    void jsonMissingIdMethodOrParams() throws Exception {
        URI json = server.jsonRpcEndpoint(HOST_A);
        for (String version : List.of("\"jsonrpc\":\"2.0\",", "")) {
            List<String> bodies = List.of(
                    "{" + version + "\"method\":\"session.login_with_password\",\"params\":[\"root\",\"secret\"]}",
                    "{" + version + "\"method\":\"session.login_with_password\",\"params\":[\"root\",\"secret\"],\"id\":null}",
                    "{" + version + "\"method\":\"session.login_with_password\",\"params\":[\"root\",\"secret\"],\"id\":true}",
                    "{" + version + "\"method\":\"session.login_with_password\",\"params\":[\"root\",\"secret\"],\"id\":[1]}",
                    "{" + version + "\"method\":\"session.login_with_password\",\"params\":[\"root\",\"secret\"],\"id\":1.5}",
                    "{" + version + "\"params\":[\"root\",\"secret\"],\"id\":1}",
                    "{" + version + "\"method\":7,\"params\":[\"root\",\"secret\"],\"id\":1}",
                    "{" + version + "\"method\":\"session.login_with_password\",\"id\":1}",
                    "{" + version + "\"method\":\"session.login_with_password\",\"params\":{\"u\":\"root\"},\"id\":1}",
                    "{" + version + "\"method\":\"session.login_with_password\",\"params\":\"root\",\"id\":1}");
            for (String body : bodies) {
                assert500(Wire.post(json, "application/json", body), "Jsonrpc.Malformed_method_request(", body);
            }
        }
        // None of them reached dispatch: nothing in the call log, no session created.
        assertEquals(List.of(), pool.callLog());
        assertStillAnswers();
    }

    @ParameterizedTest
    @EnumSource(Wire.Protocol.class)
    @DisplayName("§1.4 check 1: VM.start(s, vm) gives MESSAGE_PARAMETER_COUNT_MISMATCH [VM.start, 3, 1]")
    void wrongParameterCount(Wire.Protocol p) throws Exception {
        String s = Wire.login(master, p);
        String vm = pool.vmRef(VM_ON_A);
        assertEquals(List.of("MESSAGE_PARAMETER_COUNT_MISMATCH", "VM.start", "3", "1"),
                Wire.call(master, p, "VM.start", s, vm).failure());
        // The count is checked before the session, so a bogus session does not change the answer.
        assertEquals(List.of("MESSAGE_PARAMETER_COUNT_MISMATCH", "VM.start", "3", "1"),
                Wire.call(master, p, "VM.start", "OpaqueRef:bogus", vm).failure());
        assertEquals(List.of("MESSAGE_PARAMETER_COUNT_MISMATCH", "session.login_with_password", "2", "0"),
                Wire.call(master, p, "session.login_with_password").failure());
        assertStillAnswers();
    }

    @ParameterizedTest
    @EnumSource(Wire.Protocol.class)
    @DisplayName("§1.4: an unknown method gives MESSAGE_METHOD_UNKNOWN [name], after the session check")
    void unknownMethod(Wire.Protocol p) throws Exception {
        String s = Wire.login(master, p);
        assertEquals(List.of("MESSAGE_METHOD_UNKNOWN", "VM.frobnicate"), Wire.call(master, p, "VM.frobnicate", s).failure());
        assertEquals(List.of("MESSAGE_METHOD_UNKNOWN", "system.methodHelp"), Wire.call(master, p, "system.methodHelp").failure());
        assertEquals(List.of("SESSION_INVALID", "OpaqueRef:bogus"),
                Wire.call(master, p, "VM.frobnicate", "OpaqueRef:bogus").failure());
        assertStillAnswers();
    }

    @ParameterizedTest
    @EnumSource(Wire.Protocol.class)
    @DisplayName("§1.4 exnHelper: a bad ref gives HANDLE_INVALID [VM, ref]")
    void invalidRef(Wire.Protocol p) throws Exception {
        String s = Wire.login(master, p);
        String bad = "OpaqueRef:00000000-0000-0000-0000-000000000000";
        assertEquals(List.of("HANDLE_INVALID", "VM", bad), Wire.call(master, p, "VM.get_record", s, bad).failure());
        assertEquals(List.of("HANDLE_INVALID", "host", bad), Wire.call(master, p, "host.get_record", s, bad).failure());
        assertStillAnswers();
    }

    @ParameterizedTest
    @EnumSource(Wire.Protocol.class)
    @DisplayName("§1.4 check 3: an unknown session gives SESSION_INVALID [ref]")
    void unknownSession(Wire.Protocol p) throws Exception {
        assertEquals(List.of("SESSION_INVALID", "OpaqueRef:nope"), Wire.call(master, p, "VM.get_all", "OpaqueRef:nope").failure());
        String s = Wire.login(master, p);
        Wire.ok(master, p, "session.logout", s);
        assertEquals(List.of("SESSION_INVALID", s), Wire.call(master, p, "VM.get_all_records", s).failure());
        assertStillAnswers();
    }

    @ParameterizedTest
    @EnumSource(Wire.Protocol.class)
    @DisplayName("§1.4 exnHelper: a get_by_uuid miss gives UUID_INVALID [table, uuid]")
    void badUuid(Wire.Protocol p) throws Exception {
        String s = Wire.login(master, p);
        assertEquals(List.of("UUID_INVALID", "VM", "no-such-uuid"), Wire.call(master, p, "VM.get_by_uuid", s, "no-such-uuid").failure());
        assertEquals(List.of("UUID_INVALID", "host", "no-such-uuid"), Wire.call(master, p, "host.get_by_uuid", s, "no-such-uuid").failure());
        assertStillAnswers();
    }

    @ParameterizedTest
    @EnumSource(Wire.Protocol.class)
    @DisplayName("§1.1: only POST and OPTIONS on the RPC paths; other paths are 404")
    void wrongVerbOrPath(Wire.Protocol p) throws Exception {
        URI target = Wire.target(master, p);
        java.net.http.HttpResponse<String> get = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(target).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertEquals(405, get.statusCode());
        assertEquals(404, Wire.post(master.resolve("/nope"), "text/xml", Wire.xmlCall("VM.get_all")).status());
        assertStillAnswers();
    }
}
