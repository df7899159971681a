package org.tandemha.harness.sim;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Raw HTTP calls to a simulated host in each wire protocol, with no SDK in between, so tests see
 * exactly what a third-party client (npm xen-api, fence_xenapi, curl) would see.
 */
final class Wire {
    enum Protocol { XML, JSON_V1, JSON_V2 }

    /** An HTTP reply as received. */
    record Reply(int status, String contentType, String body) {
    }

    /** A decoded XAPI reply: a value on Success, or {@code [CODE, params...]} on Failure. */
    record Result(Object value, List<String> failure) {
        boolean ok() {
            return failure == null;
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Wire() {
    }

    /**
     * {@link SimFixtures#spec} (master A, slave B, guests web-a, web-b, spare) moved to the given
     * loopback addresses, so test classes that run alongside others' use their own range.
     */
    static SimPoolSpec spec(String addressA, String addressB) {
        SimPoolSpec s = SimFixtures.spec(2);
        List<HostSpec> hosts = List.of(
                new HostSpec(SimFixtures.HOST_A, "host-a", addressA),
                new HostSpec(SimFixtures.HOST_B, "host-b", addressB));
        return new SimPoolSpec(s.poolUuid(), s.poolName(), hosts, s.masterUuid(), s.vms(), s.poolOtherConfig(),
                s.username(), s.password(), s.fuse(), s.xapiRestart(), s.authFailureDelay());
    }

    /** The host's base URL ({@code http://addr:port/}) plus the path each protocol posts to. */
    static URI target(URI base, Protocol p) {
        return p == Protocol.XML ? base : base.resolve("/jsonrpc");
    }

    static Reply post(URI uri, String contentType, byte[] body) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<String> resp = HTTP.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Reply(resp.statusCode(), resp.headers().firstValue("Content-Type").orElse(null), resp.body());
    }

    static Reply post(URI uri, String contentType, String body) throws Exception {
        return post(uri, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    static Reply options(URI uri) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> resp = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        return new Reply(resp.statusCode(), resp.headers().firstValue("Access-Control-Allow-Origin").orElse(null)
                + "|" + resp.headers().firstValue("Access-Control-Allow-Methods").orElse(null)
                + "|" + resp.headers().firstValue("Access-Control-Allow-Headers").orElse(null), resp.body());
    }

    /** A methodCall the way the Java SDK writes it: strings and ints untyped, booleans typed. */
    static String xmlCall(String method, Object... params) {
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?><methodCall><methodName>")
                .append(XmlRpcCodec.escape(method)).append("</methodName><params>");
        for (Object p : params) {
            sb.append("<param>");
            XmlRpcCodec.appendValue(sb, p);
            sb.append("</param>");
        }
        return sb.append("</params></methodCall>").toString();
    }

    /** A request the way the npm xen-api client writes it; v1 simply has no "jsonrpc" member. */
    static String jsonCall(Protocol p, Object id, String method, Object... params) {
        StringBuilder sb = new StringBuilder("{");
        if (p == Protocol.JSON_V2) sb.append("\"jsonrpc\":\"2.0\",");
        sb.append("\"method\":");
        JsonRpcCodec.appendString(sb, method);
        sb.append(",\"params\":");
        JsonRpcCodec.appendValue(sb, List.of(params));
        sb.append(",\"id\":");
        JsonRpcCodec.appendValue(sb, id);
        return sb.append('}').toString();
    }

    /** One call in protocol {@code p}; asserts the envelope and Content-Type, then decodes it. */
    static Result call(URI base, Protocol p, String method, Object... params) throws Exception {
        if (p == Protocol.XML) {
            Reply r = post(base, "text/xml", xmlCall(method, params));
            assertEquals(200, r.status(), r.body());
            assertEquals("text/xml", r.contentType());
            return decodeXml(r.body());
        }
        Reply r = post(target(base, p), "application/json", jsonCall(p, 7L, method, params));
        assertEquals(200, r.status(), r.body());
        assertEquals("application/json", r.contentType(), "exactly, no charset: npm xen-api compares literally");
        return decodeJson(p, r.body(), 7L);
    }

    /** Calls and insists on Success; returns the value. */
    static Object ok(URI base, Protocol p, String method, Object... params) throws Exception {
        Result r = call(base, p, method, params);
        assertTrue(r.ok(), method + " failed: " + r.failure());
        return r.value();
    }

    static String login(URI base, Protocol p) throws Exception {
        return (String) ok(base, p, "session.login_with_password", SimFixtures.USER, SimFixtures.PASSWORD);
    }

    /**
     * A methodResponse has the same value grammar as a methodCall, so the codec under test decodes
     * it once the envelope is renamed; the Status struct is then checked here.
     */
    @SuppressWarnings("unchecked")
    static Result decodeXml(String body) throws Exception {
        String asCall = body.replace("<methodResponse>", "<methodCall><methodName>r</methodName>")
                .replace("</methodResponse>", "</methodCall>");
        List<Object> params = XmlRpcCodec.parseCall(asCall.getBytes(StandardCharsets.UTF_8)).params();
        assertEquals(1, params.size(), body);
        Map<String, Object> envelope = assertInstanceOf(Map.class, params.get(0), body);
        if ("Success".equals(envelope.get("Status"))) {
            assertEquals(List.of("Status", "Value"), List.copyOf(envelope.keySet()), body);
            return new Result(envelope.get("Value"), null);
        }
        assertEquals("Failure", envelope.get("Status"), body);
        assertEquals(List.of("Status", "ErrorDescription"), List.copyOf(envelope.keySet()), body);
        List<Object> ed = assertInstanceOf(List.class, envelope.get("ErrorDescription"), body);
        List<String> out = new ArrayList<>();
        for (Object o : ed) out.add(assertInstanceOf(String.class, o, body));
        return new Result(null, out);
    }

    /** Checks the exact §1.6 envelope member names for the version, then decodes. */
    @SuppressWarnings("unchecked")
    static Result decodeJson(Protocol p, String body, Object expectedId) {
        Map<String, Object> m = assertInstanceOf(Map.class, JsonText.parse(body), body);
        assertEquals(expectedId, m.get("id"), body);
        if (p == Protocol.JSON_V2) {
            assertEquals("2.0", m.get("jsonrpc"), body);
            if (m.containsKey("result")) {
                assertEquals(List.of("jsonrpc", "result", "id"), List.copyOf(m.keySet()), body);
                return new Result(m.get("result"), null);
            }
            assertEquals(List.of("jsonrpc", "error", "id"), List.copyOf(m.keySet()), body);
            Map<String, Object> error = assertInstanceOf(Map.class, m.get("error"), body);
            assertEquals(List.of("code", "message", "data"), List.copyOf(error.keySet()), body);
            assertEquals(1L, error.get("code"), body);
            List<String> out = new ArrayList<>();
            out.add(assertInstanceOf(String.class, error.get("message"), body));
            for (Object o : assertInstanceOf(List.class, error.get("data"), body)) {
                out.add(assertInstanceOf(String.class, o, body));
            }
            return new Result(null, out);
        }
        assertEquals(List.of("result", "error", "id"), List.copyOf(m.keySet()), body);
        if (m.get("error") == null) return new Result(m.get("result"), null);
        assertEquals(null, m.get("result"), body);
        List<String> out = new ArrayList<>();
        for (Object o : assertInstanceOf(List.class, m.get("error"), body)) {
            out.add(assertInstanceOf(String.class, o, body));
        }
        return new Result(null, out);
    }
}
