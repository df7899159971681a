package org.tandemha.harness.sim;

import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.tandemha.harness.sim.SimFixtures.*;

class SimControlServerTest {
    private final HttpClient client = HttpClient.newHttpClient();

    private HttpResponse<String> send(int port, String method, String path) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        b = method.equals("POST") ? b.POST(HttpRequest.BodyPublishers.noBody()) : b.GET();
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void fencesAHost() throws Exception {
        SimPool pool = new SimPool(SimFixtures.spec(2));
        try (XapiSimServer xapi = new XapiSimServer(pool, 0); SimControlServer control = new SimControlServer(pool, 0)) {
            int port = control.port();
            assertEquals("on", send(port, "GET", "/hosts/" + HOST_B + "/power").body());
            new Socket(ADDR_B, xapi.port()).close();

            HttpResponse<String> off = send(port, "POST", "/hosts/" + HOST_B + "/power-off");
            assertEquals(200, off.statusCode());
            assertEquals("off", off.body());
            assertEquals("off", send(port, "GET", "/hosts/" + HOST_B + "/power").body());
            assertThrows(ConnectException.class, () -> new Socket(ADDR_B, xapi.port()).close());

            assertEquals("on", send(port, "POST", "/hosts/" + HOST_B + "/power-on").body());
            SimFixtures.await(java.time.Duration.ofSeconds(5), () -> {
                new Socket(ADDR_B, xapi.port()).close();
                return null;
            });

            HttpResponse<String> unknown = send(port, "GET", "/hosts/nope/power");
            assertEquals(404, unknown.statusCode());
            assertEquals("unknown host nope", unknown.body());
            assertEquals(405, send(port, "GET", "/hosts/" + HOST_B + "/power-off").statusCode());
        }
    }
}
