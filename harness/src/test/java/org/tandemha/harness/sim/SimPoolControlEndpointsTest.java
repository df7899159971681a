package org.tandemha.harness.sim;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tandemha.harness.sim.SimLab.*;

/** The fault-injection endpoints of SimControlServer (documented in harness/README.md). */
class SimPoolControlEndpointsTest {
    private final HttpClient client = HttpClient.newHttpClient();
    private SimLab lab;
    private SimControlServer control;

    @AfterEach
    void stop() {
        if (control != null) control.close();
        if (lab != null) lab.close();
    }

    private HttpResponse<String> post(String pathAndQuery) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + control.port() + pathAndQuery))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void injectsAndClearsFaults() throws Exception {
        lab = SimLab.start();
        control = new SimControlServer(lab.pool, 0);

        assertEquals("ok", post("/hosts/" + HOST_B + "/hang").body());
        assertTrue(lab.pool.isXapiHung(HOST_B));
        assertEquals("ok", post("/hosts/" + HOST_B + "/unhang").body());
        assertFalse(lab.pool.isXapiHung(HOST_B));

        assertEquals(200, post("/hosts/*/fail?method=pool.get_all&times=1&code=HOST_IS_SLAVE&param=10.0.0.9").statusCode());
        String session = sessionOf(lab.raw(HOST_A, "session.login_with_password", "root", "secret"));
        assertEquals(failure("HOST_IS_SLAVE", "10.0.0.9"), lab.raw(HOST_A, "pool.get_all", session));
        assertTrue(lab.raw(HOST_A, "pool.get_all", session).contains("<value>Success</value>"));
        // Latency for one call only: that call waits, others on the host do not get it.
        assertEquals("ok", post("/hosts/" + HOST_A + "/slow?ms=400&method=pool.get_all").body());
        long t0 = System.nanoTime();
        assertTrue(lab.raw(HOST_A, "pool.get_all", session).contains("<value>Success</value>"));
        assertTrue(System.nanoTime() - t0 >= 400_000_000L, "the slowed call answered before its 400 ms");
        assertEquals("ok", post("/hosts/" + HOST_A + "/slow?ms=0&method=pool.get_all").body());

        assertEquals("ok", post("/partition?a=" + HOST_A + "&b=" + HOST_C).body());
        assertTrue(lab.pool.blocks(ADDR_A, HOST_C));
        assertEquals("ok", post("/heal").body());
        assertFalse(lab.pool.blocks(ADDR_A, HOST_C));

        assertEquals("ok", post("/hosts/" + HOST_C + "/live?value=false").body());
        assertFalse(lab.pool.hostLive(HOST_C));
        assertEquals("ok", post("/hosts/" + HOST_C + "/emergency?code=HOST_STILL_BOOTING").body());
        assertTrue(lab.pool.isInEmergencyMode(HOST_C));
        assertEquals(failure("HOST_STILL_BOOTING"), lab.raw(HOST_C, "session.login_with_password", "root", "secret"));
        assertEquals("ok", post("/hosts/" + HOST_C + "/emergency-clear").body());
        assertFalse(lab.pool.isInEmergencyMode(HOST_C));

        assertEquals("ok", post("/hosts/*/slow?ms=0").body());
        assertEquals("ok", post("/db-push?drop=true").body());
        assertEquals("ok", post("/db-push/now").body());
        assertEquals("ok", post("/faults/clear").body());
        assertEquals("off", post("/hosts/" + HOST_C + "/power-off").body());
        assertEquals("ok", post("/hosts/" + HOST_B + "/restart-xapi").body());
        SimFixtures.await(Duration.ofSeconds(5), () -> {
            if (!lab.pool.isXapiUp(HOST_B)) throw new IllegalStateException("restarting");
            return null;
        });

        assertEquals(400, post("/hosts/" + HOST_B + "/slow?ms=abc").statusCode());
        assertEquals(400, post("/db-push").statusCode());
        assertEquals(404, post("/hosts/nope/hang").statusCode());
        assertEquals(404, post("/hosts/*/hang").statusCode());
        assertEquals(404, post("/partition?a=" + HOST_A + "&b=nope").statusCode());
        assertEquals(405, client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + control.port() + "/heal")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    private HttpResponse<String> get(String pathAndQuery) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + control.port() + pathAndQuery)).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void cutsDomainsAndPowerSwitches() throws Exception {
        lab = SimLab.start();
        control = new SimControlServer(lab.pool, 0);

        assertEquals("", get("/hosts/" + HOST_B + "/cut").body());
        assertEquals("ok", post("/hosts/" + HOST_B + "/cut?from=gateway&value=true").body());
        assertEquals("gateway", get("/hosts/" + HOST_B + "/cut").body());
        assertEquals(400, post("/hosts/" + HOST_B + "/cut?from=moon&value=true").statusCode());
        assertEquals("ok", post("/hosts/" + HOST_A + "/isolate").body());
        assertEquals(java.util.Set.of(HOST_B, HOST_C, "gateway", "witnesses"),
                java.util.Set.copyOf(get("/hosts/" + HOST_A + "/cut").body().lines().toList()));
        assertEquals("ok", post("/heal").body());
        assertEquals("", get("/hosts/" + HOST_A + "/cut").body());

        assertEquals(VM_ON_B + " web-b", get("/hosts/" + HOST_B + "/domains").body());
        assertEquals("ok", post("/hosts/" + HOST_B + "/destroy-domain?vm=" + VM_ON_B).body());
        assertEquals("", get("/hosts/" + HOST_B + "/domains").body());
        assertEquals(400, post("/hosts/" + HOST_B + "/destroy-domain").statusCode());

        assertEquals("ok", post("/hosts/" + HOST_C + "/power-switch?working=false").body());
        assertEquals(503, post("/hosts/" + HOST_C + "/power-off").statusCode());
        assertEquals(503, get("/hosts/" + HOST_C + "/power").statusCode());
        assertTrue(lab.pool.isPoweredOn(HOST_C), "a broken switch powers nothing off");
        assertEquals("off", post("/hosts/" + HOST_C + "/self-fence").body(), "a host resets itself without its switch");
        assertEquals("ok", post("/hosts/" + HOST_C + "/power-switch?working=true").body());
        assertEquals("off", get("/hosts/" + HOST_C + "/power").body());
    }
}
