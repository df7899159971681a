package org.tandemha.harness.sim;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One plain-HTTP XML-RPC endpoint per simulated host whose xapi is up, each bound to the host's own
 * loopback address and all on one common port: real clients follow {@code HOST_IS_SLAVE [address]}
 * by reconnecting to that address on the same port. Endpoints open and close as the pool powers
 * hosts on and off or restarts their xapi.
 */
public final class XapiSimServer implements AutoCloseable {
    private static final Set<String> RPC_PATHS = Set.of("/", "/RPC2", "/xmlrpc");

    private record Endpoint(HttpServer server, ExecutorService executor) {
    }

    private final SimPool pool;
    private final XapiCalls calls;
    private final int port;
    private final Map<String, Endpoint> endpoints = new HashMap<>();
    private final SimPool.EndpointControl control = new SimPool.EndpointControl() {
        @Override
        public void endpointUp(String hostUuid, String address) {
            open(hostUuid, address);
        }

        @Override
        public void endpointDown(String hostUuid) {
            shut(hostUuid);
        }
    };

    /**
     * @param port the common port of all host endpoints; 0 picks a free one (see {@link #port()})
     */
    public XapiSimServer(SimPool pool, int port) throws IOException {
        this.pool = pool;
        this.calls = new XapiCalls(pool);
        this.port = port != 0 ? port : freePort(pool.spec().hosts().get(0).address());
        try {
            pool.attach(control);
        } catch (UncheckedIOException e) {
            close();
            throw e.getCause();
        }
    }

    private static int freePort(String address) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(address))) {
            return s.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    /** The XML-RPC URL of a host's endpoint, e.g. {@code http://127.0.0.11:18780/}. */
    public URI endpoint(String hostUuid) {
        return URI.create("http://" + pool.hostAddress(hostUuid) + ":" + port + "/");
    }

    @Override
    public void close() {
        pool.detach(control);
        synchronized (endpoints) {
            for (String uuid : Set.copyOf(endpoints.keySet())) shut(uuid);
        }
    }

    private void open(String hostUuid, String address) {
        synchronized (endpoints) {
            if (endpoints.containsKey(hostUuid)) return;
            HttpServer server = bind(address);
            AtomicInteger n = new AtomicInteger();
            ExecutorService executor = Executors.newFixedThreadPool(8, r -> {
                Thread t = new Thread(r, "xapi-sim-" + address + "-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            server.setExecutor(executor);
            server.createContext("/", exchange -> handle(hostUuid, exchange));
            server.start();
            endpoints.put(hostUuid, new Endpoint(server, executor));
        }
    }

    /** A just-closed listener can linger briefly, so a rebind after a restart gets a few tries. */
    private HttpServer bind(String address) {
        IOException last = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            try {
                return HttpServer.create(new InetSocketAddress(InetAddress.getByName(address), port), 64);
            } catch (BindException e) {
                last = e;
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot bind " + address + ":" + port, e);
            }
        }
        throw new UncheckedIOException("cannot bind " + address + ":" + port, last);
    }

    private void shut(String hostUuid) {
        synchronized (endpoints) {
            Endpoint e = endpoints.remove(hostUuid);
            if (e == null) return;
            // Delay 0: close the listener and every open connection now, like a host losing power.
            e.server().stop(0);
            e.executor().shutdownNow();
        }
    }

    private void handle(String hostUuid, HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!RPC_PATHS.contains(path)) {
                reply(exchange, 404, "text/plain", "Not found: " + path);
                return;
            }
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "POST");
                reply(exchange, 405, "text/plain", "XML-RPC needs POST");
                return;
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            XmlRpcCodec.Call call;
            try {
                call = XmlRpcCodec.parseCall(body);
            } catch (XmlRpcCodec.ParseError e) {
                // xapi answers malformed XML with HTTP 500 and a text body, never a <fault>.
                reply(exchange, 500, "text/plain", "Xmlrpc.Parse_error(" + e.getMessage() + ")");
                return;
            }
            XapiCalls.Outcome outcome = calls.dispatch(hostUuid, call.methodName(), call.params());
            String xml = outcome.ok() ? XmlRpcCodec.success(outcome.value()) : XmlRpcCodec.failure(outcome.failure());
            exchange.getResponseHeaders().set("Access-Control-Allow-Origin", "*");
            reply(exchange, 200, "text/xml", xml);
        }
    }

    private static void reply(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
