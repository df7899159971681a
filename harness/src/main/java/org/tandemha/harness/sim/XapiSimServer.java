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
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One plain-HTTP XAPI endpoint per simulated host whose xapi is up, each bound to the host's own
 * loopback address and all on one common port: real clients follow {@code HOST_IS_SLAVE [address]}
 * by reconnecting to that address on the same port. Endpoints open and close as the pool powers
 * hosts on and off or restarts their xapi.
 * <p>
 * Each endpoint speaks XML-RPC on {@code /}, {@code /RPC2} and {@code /xmlrpc}, and JSON-RPC v1/v2 on
 * {@code /jsonrpc} (xapi-subset.md §1.1, §1.6). Both go through one {@link XapiCalls}, so a session
 * from one protocol is valid on the other, as on a real host.
 */
public final class XapiSimServer implements AutoCloseable {
    private static final Set<String> RPC_PATHS = Set.of("/", "/RPC2", "/xmlrpc");
    private static final String JSONRPC_PATH = "/jsonrpc";
    /** The outcome the call log shows for a call answered by {@link #injectRawReply}. */
    public static final String RAW_REPLY_OUTCOME = "RAW_REPLY";

    private record Endpoint(HttpServer server, ExecutorService executor) {
    }

    private record RawKey(String hostUuid, String methodName) {
    }

    private record RawReply(int remaining, String contentType, String body) {
    }

    private final SimPool pool;
    private final XapiCalls calls;
    private final int port;
    private final Map<String, Endpoint> endpoints = new HashMap<>();
    private final Map<RawKey, RawReply> rawReplies = new HashMap<>();
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
        this.port = port != 0 ? port : freePort(pool.spec().hosts().stream().map(HostSpec::address).toList());
        try {
            pool.attach(control);
        } catch (UncheckedIOException e) {
            close();
            throw e.getCause();
        }
    }

    /**
     * A port free on every host address, below Linux's ephemeral range (32768-60999): the nodes' outgoing
     * XAPI connections are bound to host addresses, and an ephemeral port they hold on one address would
     * make a port picked there by the kernel unbindable for that host's endpoint.
     */
    private static int freePort(java.util.List<String> addresses) throws IOException {
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 100; attempt++) {
            int candidate = 20000 + random.nextInt(12000);
            if (addresses.stream().allMatch(a -> bindable(a, candidate))) return candidate;
        }
        throw new BindException("no port in 20000-31999 is free on all of " + addresses);
    }

    private static boolean bindable(String address, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getByName(address), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    /** The XML-RPC URL of a host's endpoint, e.g. {@code http://127.0.0.11:18780/}. */
    public URI endpoint(String hostUuid) {
        return URI.create("http://" + pool.hostAddress(hostUuid) + ":" + port + "/");
    }

    /** The JSON-RPC URL of a host's endpoint, e.g. {@code http://127.0.0.11:18780/jsonrpc}. */
    public URI jsonRpcEndpoint(String hostUuid) {
        return endpoint(hostUuid).resolve(JSONRPC_PATH);
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
            // A thread per request, as xapi has: calls that block (a slave's DB call while its master is away,
            // event.from, a hung xapi) must not starve the calls that would answer at once.
            ExecutorService executor = Executors.newCachedThreadPool(r -> {
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

    /**
     * Fault hook for client hardening tests, e.g. the XAPI adapter's CVE-2019-17570 check: the next
     * {@code times} calls of {@code methodName} on that host's endpoint, over XML-RPC or JSON-RPC, get
     * exactly {@code body} with HTTP 200 and {@code contentType} instead of the real reply. The call
     * itself does not run, so it changes no state; the pool call log records it with outcome
     * {@value #RAW_REPLY_OUTCOME}. A new injection for the same host and method replaces the old one.
     */
    public void injectRawReply(String hostUuid, String methodName, int times, String contentType, String body) {
        Objects.requireNonNull(methodName, "methodName");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
        if (times < 1) throw new IllegalArgumentException("times must be at least 1: " + times);
        pool.hostAddress(hostUuid); // fails fast on an unknown host
        synchronized (rawReplies) {
            rawReplies.put(new RawKey(hostUuid, methodName), new RawReply(times, contentType, body));
        }
    }

    /** Takes one use of an injected reply, if any is pending for this host and method. */
    private RawReply takeRawReply(String hostUuid, String methodName) {
        synchronized (rawReplies) {
            RawKey key = new RawKey(hostUuid, methodName);
            RawReply r = rawReplies.get(key);
            if (r == null) return null;
            if (r.remaining() <= 1) {
                rawReplies.remove(key);
            } else {
                rawReplies.put(key, new RawReply(r.remaining() - 1, r.contentType(), r.body()));
            }
            return r;
        }
    }

    /** Where the request came from, so a partition can drop one host's traffic to another (SimPool.blocks). */
    private static String callerAddress(HttpExchange exchange) {
        return exchange.getRemoteAddress().getAddress().getHostAddress();
    }

    private void handle(String hostUuid, HttpExchange exchange) throws IOException {
        try (exchange) {
            try {
                route(hostUuid, exchange);
            } catch (RuntimeException | StackOverflowError e) {
                // Never let a request kill the handler silently: the client gets a 500 it can see.
                reply(exchange, 500, "text/plain", "Internal_error(" + e + ")");
            }
        }
    }

    private void route(String hostUuid, HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        boolean json = JSONRPC_PATH.equals(path);
        if (!json && !RPC_PATHS.contains(path)) {
            reply(exchange, 404, "text/plain", "Not found: " + path);
            return;
        }
        // §1.1: xapi answers CORS on every RPC path, so browser clients (Xen Orchestra) can call it.
        exchange.getResponseHeaders().set("Access-Control-Allow-Origin", "*");
        String verb = exchange.getRequestMethod();
        if ("OPTIONS".equals(verb)) {
            exchange.getResponseHeaders().set("Access-Control-Allow-Methods", "POST, OPTIONS");
            exchange.getResponseHeaders().set("Access-Control-Allow-Headers", "Content-Type");
            exchange.sendResponseHeaders(200, -1);
            return;
        }
        if (!"POST".equals(verb)) {
            exchange.getResponseHeaders().set("Allow", "POST, OPTIONS");
            reply(exchange, 405, "text/plain", (json ? "JSON-RPC" : "XML-RPC") + " needs POST");
            return;
        }
        byte[] body = exchange.getRequestBody().readAllBytes();
        if (json) {
            handleJson(hostUuid, exchange, body);
        } else {
            handleXml(hostUuid, exchange, body);
        }
    }

    private void handleXml(String hostUuid, HttpExchange exchange, byte[] body) throws IOException {
        XmlRpcCodec.Call call;
        try {
            call = XmlRpcCodec.parseCall(body);
        } catch (XmlRpcCodec.ParseError e) {
            // xapi answers malformed XML with HTTP 500 and a text body, never a <fault>.
            reply(exchange, 500, "text/plain", "Xmlrpc.Parse_error(" + e.getMessage() + ")");
            return;
        }
        if (rawReplied(hostUuid, call.methodName(), exchange)) return;
        XapiCalls.Outcome outcome = calls.dispatch(hostUuid, call.methodName(), call.params(), callerAddress(exchange));
        String xml = outcome.ok() ? XmlRpcCodec.success(outcome.value()) : XmlRpcCodec.failure(outcome.failure());
        reply(exchange, 200, "text/xml", xml);
    }

    private void handleJson(String hostUuid, HttpExchange exchange, byte[] body) throws IOException {
        JsonRpcCodec.Request request;
        try {
            request = JsonRpcCodec.parseRequest(body);
        } catch (JsonRpcCodec.Malformed e) {
            reply(exchange, 500, "text/plain", "Jsonrpc.Malformed_method_request(" + e.getMessage() + ")");
            return;
        }
        if (rawReplied(hostUuid, request.method(), exchange)) return;
        XapiCalls.Outcome outcome = calls.dispatch(hostUuid, request.method(), request.params(), callerAddress(exchange));
        // Exactly "application/json": the npm xen-api client compares it literally and falls back
        // to XML-RPC (or fails) when a charset parameter is appended (realpeers.md §6).
        reply(exchange, 200, "application/json", JsonRpcCodec.encode(request, outcome));
    }

    private boolean rawReplied(String hostUuid, String methodName, HttpExchange exchange) throws IOException {
        RawReply raw = takeRawReply(hostUuid, methodName);
        if (raw == null) return false;
        pool.recordCall(pool.hostAddress(hostUuid), methodName, RAW_REPLY_OUTCOME);
        reply(exchange, 200, raw.contentType(), raw.body());
        return true;
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
