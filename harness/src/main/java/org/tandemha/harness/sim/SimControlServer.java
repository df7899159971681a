package org.tandemha.harness.sim;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plain-HTTP power switch and fault-injection API for the simulated pool, used by the simulated fence
 * device of Tandem nodes (separate OS processes) and by scenario files. Parameters travel in the
 * query string; {@code *} as host means every host where noted. Replies are text/plain.
 * <pre>
 *   GET  /hosts/&lt;uuid&gt;/power                       → on | off
 *   POST /hosts/&lt;uuid&gt;/power-off                   → off
 *   POST /hosts/&lt;uuid&gt;/power-on                    → on
 *   POST /hosts/&lt;uuid&gt;/self-fence                  → off  (the host resets itself: no power switch involved)
 *   POST /hosts/&lt;uuid&gt;/power-switch?working=true|false → ok  (while broken, power actions answer 503)
 *   POST /hosts/&lt;uuid&gt;/restart-xapi                → ok
 *   POST /hosts/&lt;uuid&gt;/hang | /unhang              → ok
 *   POST /hosts/&lt;uuid&gt;/live?value=true|false       → ok
 *   POST /hosts/&lt;uuid&gt;/enabled?value=true|false    → ok
 *   POST /hosts/&lt;uuid|*&gt;/slow?ms=N[&amp;method=M]     → ok   (0 removes the latency; M: only that call)
 *   POST /hosts/&lt;uuid|*&gt;/fail?method=M&amp;times=N&amp;code=C[&amp;param=P]...  → ok
 *   POST /hosts/&lt;uuid&gt;/emergency?code=C[&amp;param=P]... | /emergency-clear  → ok
 *   GET  /hosts/&lt;uuid&gt;/domains                     → guests really running there, "vm-uuid name" per line
 *   POST /hosts/&lt;uuid&gt;/destroy-domain?vm=&lt;uuid&gt;     → ok   (dom0's xl destroy)
 *   GET  /hosts/&lt;uuid&gt;/cut                         → what it cannot reach, one per line (host UUIDs, gateway, witnesses)
 *   POST /hosts/&lt;uuid&gt;/cut?from=gateway|witnesses&amp;value=true|false → ok
 *   POST /hosts/&lt;uuid&gt;/isolate                    → ok   (from every host, the gateway and the witnesses)
 *   GET  /hosts/&lt;uuid&gt;/storage                     → its DRBD, target and floating IP, "key value" per line
 *   POST /hosts/&lt;uuid&gt;/storage-step?step=S          → ok, or 409 with the tool's refusal (SimPool#storageStep)
 *   GET  /hosts/&lt;uuid&gt;/storage-elsewhere           → true | false (the floating IP answers on another host)
 *   POST /partition?a=&lt;uuid&gt;&amp;b=&lt;uuid&gt;              → ok
 *   POST /heal                                       → ok
 *   POST /db-push?drop=true|false                    → ok
 *   POST /db-push/now                                → ok
 *   POST /faults/clear                               → ok   (injected failures and latency)
 * </pre>
 * Unknown host: 404; wrong method: 405; missing or bad parameter: 400.
 */
public final class SimControlServer implements AutoCloseable {
    private static final Pattern PATH = Pattern.compile("/hosts/([^/]+)/([a-z-]+)");
    private static final Set<String> HOST_ACTIONS = Set.of("power", "power-off", "power-on", "self-fence",
            "power-switch", "restart-xapi", "hang",
            "unhang", "live", "enabled", "slow", "fail", "emergency", "emergency-clear", "cut", "isolate", "domains",
            "destroy-domain", "storage", "storage-step", "storage-elsewhere");
    private static final Set<String> ALL_HOSTS_ACTIONS = Set.of("slow", "fail");

    private final SimPool pool;
    private final HttpServer server;
    private final ExecutorService executor;

    /** Binds 127.0.0.1:{@code port}; 0 picks a free port (see {@link #port()}). */
    public SimControlServer(SimPool pool, int port) throws IOException {
        this.pool = pool;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        // Cached: a node's long poll of its links holds a thread for up to its wait.
        this.executor = Executors.newCachedThreadPool(r -> {
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
            String path = exchange.getRequestURI().getPath();
            Map<String, List<String>> query = query(exchange.getRequestURI().getRawQuery());
            Matcher m = PATH.matcher(path);
            try {
                if (m.matches() && HOST_ACTIONS.contains(m.group(2))) {
                    hostAction(exchange, m.group(1), m.group(2), query);
                } else if (path.equals("/partition")) {
                    if (!post(exchange)) return;
                    String a = need(query, "a");
                    String b = need(query, "b");
                    if (!knownHost(a) || !knownHost(b)) {
                        reply(exchange, 404, "unknown host " + (knownHost(a) ? b : a));
                        return;
                    }
                    pool.partition(a, b);
                    reply(exchange, 200, "ok");
                } else if (path.equals("/heal")) {
                    if (!post(exchange)) return;
                    pool.heal();
                    reply(exchange, 200, "ok");
                } else if (path.equals("/db-push")) {
                    if (!post(exchange)) return;
                    pool.dropDbPush(bool(need(query, "drop")));
                    reply(exchange, 200, "ok");
                } else if (path.equals("/db-push/now")) {
                    if (!post(exchange)) return;
                    pool.pushDbBackupNow();
                    reply(exchange, 200, "ok");
                } else if (path.equals("/faults/clear")) {
                    if (!post(exchange)) return;
                    pool.clearInjectedFaults();
                    reply(exchange, 200, "ok");
                } else {
                    reply(exchange, 404, "not found " + path);
                }
            } catch (IllegalArgumentException e) {
                reply(exchange, 400, e.getMessage());
            }
        }
    }

    private void hostAction(HttpExchange exchange, String uuid, String action, Map<String, List<String>> query)
            throws IOException {
        String expectedMethod = action.equals("power") || action.equals("domains") || action.equals("storage")
                || action.equals("storage-elsewhere")
                || (action.equals("cut") && !query.containsKey("from")) ? "GET" : "POST";
        if (!expectedMethod.equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Allow", expectedMethod);
            reply(exchange, 405, action + " needs " + expectedMethod);
            return;
        }
        boolean all = SimPool.ALL_HOSTS.equals(uuid) && ALL_HOSTS_ACTIONS.contains(action);
        if (!all && !knownHost(uuid)) {
            reply(exchange, 404, "unknown host " + uuid);
            return;
        }
        if (action.startsWith("power") && !action.equals("power-switch") && !all && !pool.powerSwitchWorks(uuid)) {
            reply(exchange, 503, "power switch of host " + uuid + " does not answer");
            return;
        }
        switch (action) {
            case "power-switch" -> pool.setPowerSwitchWorking(uuid, bool(need(query, "working")));
            case "self-fence" -> pool.powerOff(uuid);
            case "power-off" -> {
                // A BMC takes a moment to cut the power; the bench sets it (setPowerActionDelay).
                Duration d = pool.powerActionDelay(uuid);
                if (!d.isZero()) {
                    try {
                        Thread.sleep(d.toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                if (!pool.powerSwitchLies(uuid)) pool.powerOff(uuid);   // a lying switch only says it did
            }
            case "power-on" -> pool.powerOn(uuid);
            case "restart-xapi" -> pool.restartXapi(uuid);
            case "hang" -> pool.hangXapi(uuid);
            case "unhang" -> pool.unhangXapi(uuid);
            case "live" -> pool.setHostLive(uuid, bool(need(query, "value")));
            case "enabled" -> pool.setHostEnabled(uuid, bool(need(query, "value")));
            case "slow" -> pool.slowCalls(uuid, query.containsKey("method") ? need(query, "method") : null,
                    Duration.ofMillis(number(need(query, "ms"))));
            case "fail" -> pool.failCall(uuid, need(query, "method"), (int) number(need(query, "times")),
                    need(query, "code"), query.getOrDefault("param", List.of()).toArray(new String[0]));
            case "emergency" -> pool.forceEmergencyMode(uuid, need(query, "code"),
                    query.getOrDefault("param", List.of()).toArray(new String[0]));
            case "emergency-clear" -> pool.clearEmergencyMode(uuid);
            case "cut" -> {
                if (expectedMethod.equals("GET")) {
                    // ?known=a,b&wait-ms=N: answer once the set differs from the caller's (a long poll), or after N ms.
                    Set<String> now;
                    try {
                        now = query.containsKey("wait-ms") ? pool.awaitCutChange(uuid, known(query),
                                Duration.ofMillis(Math.min(30_000, number(need(query, "wait-ms"))))) : pool.cutFrom(uuid);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        reply(exchange, 503, "control server stopping");
                        return;
                    }
                    reply(exchange, 200, String.join("\n", now));
                    return;
                }
                pool.cut(uuid, need(query, "from"), bool(need(query, "value")));
            }
            case "isolate" -> pool.isolate(uuid);
            case "domains" -> {
                reply(exchange, 200, String.join("\n", pool.domainsOn(uuid).stream()
                        .map(vm -> vm + " " + pool.vmName(vm)).sorted().toList()));
                return;
            }
            case "destroy-domain" -> pool.destroyDomain(uuid, need(query, "vm"));
            case "storage", "storage-step", "storage-elsewhere" -> {
                // The host's storage tools: what they read, or a step they refuse (409, in the tool's words).
                try {
                    if (action.equals("storage-step")) pool.storageStep(uuid, need(query, "step"));
                    reply(exchange, 200, action.equals("storage") ? pool.storageState(uuid)
                            : action.equals("storage-elsewhere") ? String.valueOf(pool.floatingIpElsewhere(uuid)) : "ok");
                } catch (IllegalStateException e) {
                    reply(exchange, 409, e.getMessage());
                }
                return;
            }
            default -> { }
        }
        if ((action.startsWith("power") && !action.equals("power-switch")) || action.equals("self-fence")) {
            boolean lie = !action.equals("self-fence") && pool.powerSwitchLies(uuid);
            reply(exchange, 200, pool.isPoweredOn(uuid) && !lie ? "on" : "off");
        } else {
            reply(exchange, 200, "ok");
        }
    }

    private static boolean post(HttpExchange exchange) throws IOException {
        if ("POST".equals(exchange.getRequestMethod())) return true;
        exchange.getResponseHeaders().set("Allow", "POST");
        reply(exchange, 405, exchange.getRequestURI().getPath() + " needs POST");
        return false;
    }

    private static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) return out;
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }

    /** {@code known=a,b}: the cut set the caller already has ("" = none). */
    private static Set<String> known(Map<String, List<String>> query) {
        List<String> v = query.getOrDefault("known", List.of());
        if (v.isEmpty() || v.get(0).isEmpty()) return Set.of();
        return Set.of(v.get(0).split(","));
    }

    private static String need(Map<String, List<String>> query, String key) {
        List<String> v = query.get(key);
        if (v == null || v.isEmpty() || v.get(0).isEmpty()) throw new IllegalArgumentException("missing parameter " + key);
        return v.get(0);
    }

    private static boolean bool(String s) {
        if (s.equals("true")) return true;
        if (s.equals("false")) return false;
        throw new IllegalArgumentException("expected true or false: " + s);
    }

    private static long number(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a number: " + s);
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
