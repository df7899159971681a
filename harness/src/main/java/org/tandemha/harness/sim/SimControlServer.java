package org.tandemha.harness.sim;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plain-HTTP power switch for the simulated hosts, called by the simulated fence device that
 * Tandem nodes (separate OS processes) use:
 * <pre>
 *   GET  /hosts/&lt;uuid&gt;/power      → on | off
 *   POST /hosts/&lt;uuid&gt;/power-off  → off
 *   POST /hosts/&lt;uuid&gt;/power-on   → on
 * </pre>
 */
public final class SimControlServer implements AutoCloseable {
    private static final Pattern PATH = Pattern.compile("/hosts/([^/]+)/(power|power-off|power-on)");

    private final SimPool pool;
    private final HttpServer server;
    private final ExecutorService executor;

    /** Binds 127.0.0.1:{@code port}; 0 picks a free port (see {@link #port()}). */
    public SimControlServer(SimPool pool, int port) throws IOException {
        this.pool = pool;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        this.executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "sim-control");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Matcher m = PATH.matcher(exchange.getRequestURI().getPath());
            if (!m.matches()) {
                reply(exchange, 404, "not found " + exchange.getRequestURI().getPath());
                return;
            }
            String uuid = m.group(1);
            String action = m.group(2);
            String expectedMethod = action.equals("power") ? "GET" : "POST";
            if (!expectedMethod.equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", expectedMethod);
                reply(exchange, 405, action + " needs " + expectedMethod);
                return;
            }
            if (!knownHost(uuid)) {
                reply(exchange, 404, "unknown host " + uuid);
                return;
            }
            switch (action) {
                case "power-off" -> pool.powerOff(uuid);
                case "power-on" -> pool.powerOn(uuid);
                default -> { }
            }
            reply(exchange, 200, pool.isPoweredOn(uuid) ? "on" : "off");
        }
    }

    private boolean knownHost(String uuid) {
        synchronized (pool.lock()) {
            return pool.findHostByUuid(uuid) != null;
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
