package org.tandemha.harness.sim;

import com.xensource.xenapi.Connection;
import com.xensource.xenapi.Session;

import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A running simulated pool on 127.0.0.41–43 (master A, slaves B and C) for the SimPool* and EventFrom
 * tests, with the real SDK and a raw XML-RPC client.
 */
final class SimLab implements AutoCloseable {
    static final String HOST_A = SimFixtures.HOST_A;
    static final String HOST_B = SimFixtures.HOST_B;
    static final String HOST_C = SimFixtures.HOST_C;
    static final String ADDR_A = "127.0.0.41";
    static final String ADDR_B = "127.0.0.42";
    static final String ADDR_C = "127.0.0.43";
    static final String VM_ON_A = SimFixtures.VM_ON_A;
    static final String VM_ON_B = SimFixtures.VM_ON_B;
    static final String VM_ON_C = SimFixtures.VM_ON_C;
    static final String VM_HALTED = SimFixtures.VM_HALTED;
    static final String APP = "aaaa0000-0000-4000-8000-0000000000e1";
    static final String APP_EMPTY = "aaaa0000-0000-4000-8000-0000000000e2";
    static final String APP_SOLO = "aaaa0000-0000-4000-8000-0000000000e3";
    static final String APP_FIRST_1 = "22222222-0000-4000-8000-000000000001";
    static final String APP_FIRST_2 = "22222222-0000-4000-8000-000000000002";
    static final String APP_SECOND = "22222222-0000-4000-8000-000000000003";
    static final String APP_SOLO_VM = "22222222-0000-4000-8000-000000000004";

    final SimPool pool;
    final XapiSimServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    SimLab(SimPoolSpec spec) throws Exception {
        pool = new SimPool(spec);
        server = new XapiSimServer(pool, 0);
    }

    /** Master A, slaves B and C, one guest on each, one halted guest, and three appliances (§2.5). */
    static SimPoolSpec spec() {
        List<HostSpec> hosts = List.of(new HostSpec(HOST_A, "host-a", ADDR_A),
                new HostSpec(HOST_B, "host-b", ADDR_B), new HostSpec(HOST_C, "host-c", ADDR_C));
        List<VmSpec> vms = new ArrayList<>(List.of(
                new VmSpec(VM_ON_A, "web-a", "Running", HOST_A, Map.of(), 0, 0),
                new VmSpec(VM_ON_B, "web-b", "Running", HOST_B, Map.of(), 0, 0),
                new VmSpec(VM_ON_C, "web-c", "Running", HOST_C, Map.of(), 0, 0),
                new VmSpec(VM_HALTED, "spare", "Halted", null, Map.of(), 0, 0),
                new VmSpec(APP_FIRST_1, "db-1", "Halted", null, Map.of(), 0, 1),
                new VmSpec(APP_FIRST_2, "db-2", "Halted", null, Map.of(), 0, 1),
                new VmSpec(APP_SECOND, "app-1", "Halted", null, Map.of(), 1, 0),
                new VmSpec(APP_SOLO_VM, "solo", "Halted", null, Map.of(), 0, 0)));
        List<ApplianceSpec> apps = List.of(
                new ApplianceSpec(APP, "three-tier", List.of(APP_SECOND, APP_FIRST_1, APP_FIRST_2)),
                new ApplianceSpec(APP_EMPTY, "empty", List.of()),
                new ApplianceSpec(APP_SOLO, "solo", List.of(APP_SOLO_VM)));
        return new SimPoolSpec(SimFixtures.POOL, "sim-pool", hosts, HOST_A, vms, Map.of("tandem.epoch", "1"),
                SimFixtures.USER, SimFixtures.PASSWORD, Duration.ofMillis(200), Duration.ofMillis(300),
                Duration.ZERO, apps);
    }

    static SimLab start() throws Exception {
        return new SimLab(spec());
    }

    URL url(String hostUuid) throws Exception {
        return new URL(server.endpoint(hostUuid).toString());
    }

    Connection connect(String hostUuid) throws Exception {
        return new Connection(url(hostUuid));
    }

    Connection login(String hostUuid) throws Exception {
        Connection c = connect(hostUuid);
        Session.loginWithPassword(c, SimFixtures.USER, SimFixtures.PASSWORD);
        return c;
    }

    /** Logs in on a host that is becoming master (xapi restarting after the emergency transition): retried up to 10 s. */
    Connection awaitLogin(String hostUuid) throws Exception {
        return SimFixtures.await(java.time.Duration.ofSeconds(10), () -> login(hostUuid));
    }

    Connection localLogin(String hostUuid) throws Exception {
        Connection c = connect(hostUuid);
        Session.slaveLocalLoginWithPassword(c, SimFixtures.USER, SimFixtures.PASSWORD);
        return c;
    }

    /** Raw XML-RPC: params are sent as untyped values; returns the response body. */
    String raw(String hostUuid, String method, String... params) throws Exception {
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\"?><methodCall><methodName>")
                .append(method).append("</methodName><params>");
        for (String p : params) sb.append("<param><value>").append(p).append("</value></param>");
        sb.append("</params></methodCall>");
        HttpRequest req = HttpRequest.newBuilder(server.endpoint(hostUuid)).header("Content-Type", "text/xml")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(sb.toString())).build();
        return http.send(req, HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The Failure envelope xapi sends for [code, params...] (§1.3). */
    static String failure(String... description) {
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\"?><methodResponse><params><param><value><struct>")
                .append("<member><name>Status</name><value>Failure</value></member>")
                .append("<member><name>ErrorDescription</name><value><array><data>");
        for (String d : description) sb.append("<value>").append(d).append("</value>");
        return sb.append("</data></array></value></member></struct></value></param></params></methodResponse>").toString();
    }

    /** The session ref in a login response body. */
    static String sessionOf(String body) {
        return body.replaceAll("(?s).*(OpaqueRef:[0-9a-f-]{36}).*", "$1");
    }

    @Override
    public void close() {
        server.close();
        pool.close();
    }
}
