package org.tandemha.harness.sim;

import com.xensource.xenapi.Connection;
import com.xensource.xenapi.Event;
import com.xensource.xenapi.EventBatch;
import com.xensource.xenapi.Host;
import com.xensource.xenapi.Pool;
import com.xensource.xenapi.Session;
import com.xensource.xenapi.Types;
import com.xensource.xenapi.VM;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Contract suite: the same scenarios through clients nobody on the team wrote, against the simulator.
 * <ul>
 *   <li>the xen-api Java SDK 8.1.0 ({@code com.xensource.xenapi});</li>
 *   <li>Xen Orchestra's npm {@code xen-api} 4.7.6 with {@code transport: 'json-rpc'} and {@code 'xml-rpc'}
 *       ({@code src/test/js/contract.mjs}, installed with {@code npm ci} into {@code target/js-contract});</li>
 *   <li>ClusterLabs {@code fence_xenapi} (Debian {@code fence-agents}), for the VM power scenarios.</li>
 * </ul>
 * Every case checks the client's own view and the simulator's state. One simulated pool serves the whole
 * class (hosts on 127.0.0.51-53); each client works on its own VMs and keys, and the power scenarios of a
 * client run in the order status, off, on.
 */
@Tag("contract")
@ExtendWith(ContractSuiteTest.Matrix.class)
class ContractSuiteTest {
    static final String POOL_UUID = "c0c0c0c0-0000-4000-8000-000000000051";
    static final String HOST_A = "c0c0c0c0-0000-4000-8000-0000000000a1";
    static final String HOST_B = "c0c0c0c0-0000-4000-8000-0000000000b1";
    static final String HOST_C = "c0c0c0c0-0000-4000-8000-0000000000c1";
    static final String ADDR_A = "127.0.0.51";
    static final String ADDR_B = "127.0.0.52";
    static final String ADDR_C = "127.0.0.53";
    static final String USER = "root";
    static final String PASSWORD = "s3cret";
    static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(60);
    static final Duration NPM_TIMEOUT = Duration.ofMinutes(5);

    enum Client {
        JAVA_SDK("sdk"), XO_JSON_RPC("xojson"), XO_XML_RPC("xoxml"), FENCE_XENAPI("fence");

        final String tag;

        Client(String tag) {
            this.tag = tag;
        }

        String transport() {
            return this == XO_JSON_RPC ? "json-rpc" : "xml-rpc";
        }

        boolean xo() {
            return this == XO_JSON_RPC || this == XO_XML_RPC;
        }
    }

    enum Scenario {
        LOGIN_MASTER, LOGIN_VIA_SLAVE, LIST_VMS_AND_HOSTS, POOL_OTHER_CONFIG, VM_OTHER_CONFIG, START_HALTED_VM,
        EVENTS, POWER_STATUS, POWER_OFF, POWER_ON;

        boolean power() {
            return this == POWER_STATUS || this == POWER_OFF || this == POWER_ON;
        }
    }

    /** Each client's own guests: {@code halted-<tag>} (start), {@code power-<tag>} (status/off/on), {@code conf-<tag>}. */
    static String vmUuid(Client c, int kind) {
        return String.format("c0c0c0c0-%04d-4000-8000-%012d", c.ordinal() + 1, kind);
    }

    static final int HALTED = 1, POWER = 2, CONF = 3;

    static String vmName(Client c, int kind) {
        return (kind == HALTED ? "halted-" : kind == POWER ? "power-" : "conf-") + c.tag;
    }

    static SimPoolSpec spec() {
        List<HostSpec> hosts = List.of(new HostSpec(HOST_A, "host-a", ADDR_A), new HostSpec(HOST_B, "host-b", ADDR_B),
                new HostSpec(HOST_C, "host-c", ADDR_C));
        List<VmSpec> vms = new ArrayList<>(List.of(
                new VmSpec("c0c0c0c0-0000-4000-8000-0000000000f1", "web-a", "Running", HOST_A, Map.of("ha.group", "gold"), 0, 0),
                new VmSpec("c0c0c0c0-0000-4000-8000-0000000000f2", "web-c", "Running", HOST_C, Map.of(), 1, 0),
                new VmSpec("c0c0c0c0-0000-4000-8000-0000000000f3", "spare", "Halted", null, Map.of(), 2, 0)));
        for (Client c : Client.values()) {
            vms.add(new VmSpec(vmUuid(c, HALTED), vmName(c, HALTED), "Halted", null, Map.of(), 3, 0));
            vms.add(new VmSpec(vmUuid(c, POWER), vmName(c, POWER), "Running", HOST_B, Map.of(), 3, 0));
            vms.add(new VmSpec(vmUuid(c, CONF), vmName(c, CONF), "Running", HOST_A, Map.of(), 3, 0));
        }
        return new SimPoolSpec(POOL_UUID, "contract-pool", hosts, HOST_A, vms, Map.of("tandem.epoch", "1"),
                USER, PASSWORD, Duration.ofMillis(200), Duration.ofMillis(300));
    }

    static SimPool pool;
    static XapiSimServer server;

    @BeforeAll
    static void startSimulator() throws Exception {
        pool = new SimPool(spec());
        server = new XapiSimServer(pool, 0);
    }

    @AfterAll
    static void stopSimulator() {
        if (server != null) server.close();
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Client c : Client.values()) {
            for (Scenario s : Scenario.values()) {
                if (c == Client.FENCE_XENAPI && !s.power()) continue;
                out.add(Arguments.of(c, s));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void contract(Client client, Scenario scenario) throws Exception {
        switch (scenario) {
            case LOGIN_MASTER -> login(client, HOST_A);
            case LOGIN_VIA_SLAVE -> login(client, HOST_B);
            case LIST_VMS_AND_HOSTS -> list(client);
            case POOL_OTHER_CONFIG -> otherConfig(client, true);
            case VM_OTHER_CONFIG -> otherConfig(client, false);
            case START_HALTED_VM -> startHalted(client);
            case EVENTS -> events(client);
            case POWER_STATUS, POWER_OFF, POWER_ON -> power(client, scenario);
        }
    }

    // ------------------------------------------------------------------ scenarios

    private void login(Client client, String onHost) throws Exception {
        int mark = pool.callLog().size();
        String sessionHost;
        if (client == Client.JAVA_SDK) {
            Connection c = sdkLogin(onHost);
            sessionHost = c.getConfig().getServerURL().getHost();
            Set<Pool> pools = Pool.getAll(c);
            assertEquals(1, pools.size());
            Pool p = pools.iterator().next();
            assertEquals(pool.poolRef, p.toWireString());
            Pool.Record record = p.getRecord(c);
            assertEquals("contract-pool", record.nameLabel);
            assertEquals(pool.hostRef(HOST_A), record.master.toWireString());
            Session.logout(c);
        } else {
            Map<String, Object> r = xo(client, onHost, "login");
            @SuppressWarnings("unchecked") Map<String, Object> p = (Map<String, Object>) r.get("pool");
            assertEquals(pool.poolRef, p.get("ref"));
            assertEquals("contract-pool", p.get("name_label"));
            assertEquals(pool.hostRef(HOST_A), p.get("master"));
            assertEquals(List.of(pool.poolRef), r.get("pool_get_all"));
            sessionHost = (String) r.get("host");
        }
        assertEquals(ADDR_A, sessionHost, "the session must end up on the master");
        List<CallRecord> calls = pool.callLog().subList(mark, pool.callLog().size());
        List<CallRecord> logins = calls.stream().filter(r -> r.method().equals("session.login_with_password")).toList();
        if (onHost.equals(HOST_A)) {
            assertEquals(List.of(ADDR_A + " Success"), summary(logins));
        } else {
            assertEquals(List.of(ADDR_B + " HOST_IS_SLAVE", ADDR_A + " Success"), summary(logins));
        }
    }

    private void list(Client client) throws Exception {
        Map<String, String> vmStates = new HashMap<>();
        Map<String, String> hostAddresses = new HashMap<>();
        if (client == Client.JAVA_SDK) {
            Connection c = sdkLogin(HOST_A);
            for (VM.Record r : VM.getAllRecords(c).values()) vmStates.put(r.nameLabel, sdkPowerState(r.powerState));
            for (Host.Record r : Host.getAllRecords(c).values()) hostAddresses.put(r.nameLabel, r.address);
            Session.logout(c);
        } else {
            Map<String, Object> r = xo(client, HOST_A, "list");
            for (Map<String, Object> vm : maps(r.get("vms"))) vmStates.put((String) vm.get("name_label"), (String) vm.get("power_state"));
            for (Map<String, Object> h : maps(r.get("hosts"))) hostAddresses.put((String) h.get("name_label"), (String) h.get("address"));
        }
        for (VmSpec vm : pool.spec().vms()) {
            assertEquals(pool.vmPowerState(vm.uuid()), vmStates.get(vm.name()), "power state of " + vm.name() + " in " + vmStates);
        }
        for (HostSpec h : pool.spec().hosts()) {
            assertEquals(h.address(), hostAddresses.get(h.name()), "address of " + h.name() + " in " + hostAddresses);
            assertEquals("Running", vmStates.get("Control domain on host: " + h.name()), "dom0 of " + h.name());
        }
        assertEquals(pool.spec().vms().size() + pool.spec().hosts().size(), vmStates.size(), "guests + dom0s: " + vmStates.keySet());
        assertEquals(3, hostAddresses.size());
    }

    private void otherConfig(Client client, boolean onPool) throws Exception {
        String vm = vmUuid(client, CONF);
        String cls = onPool ? "pool" : "VM";
        String key = "contract." + client.tag;
        String ref = onPool ? pool.poolRef : pool.vmRef(vm);
        java.util.function.Supplier<Map<String, String>> simState =
                () -> onPool ? pool.poolOtherConfig() : pool.vmOtherConfig(vm);
        assertFalse(simState.get().containsKey(key), "precondition");

        if (client == Client.JAVA_SDK) {
            Connection c = sdkLogin(HOST_A);
            Pool p = Types.toPool(ref);
            VM v = Types.toVM(ref);
            if (onPool) p.addToOtherConfig(c, key, "v1"); else v.addToOtherConfig(c, key, "v1");
            assertEquals("v1", simState.get().get(key));
            Types.MapDuplicateKey dup = assertThrows(Types.MapDuplicateKey.class,
                    () -> { if (onPool) p.addToOtherConfig(c, key, "v2"); else v.addToOtherConfig(c, key, "v2"); });
            assertEquals(List.of(cls, "other_config", ref, key), List.of(dup.type, dup.paramName, dup.uuid, dup.key));
            assertEquals("v1", (onPool ? p.getOtherConfig(c) : v.getOtherConfig(c)).get(key));
            if (onPool) p.removeFromOtherConfig(c, key); else v.removeFromOtherConfig(c, key);
            assertFalse(simState.get().containsKey(key));
            if (onPool) p.removeFromOtherConfig(c, key); else v.removeFromOtherConfig(c, key);
            assertFalse((onPool ? p.getOtherConfig(c) : v.getOtherConfig(c)).containsKey(key));
            Session.logout(c);
        } else {
            String target = onPool ? "pool" : "vm";
            String name = onPool ? "-" : vmName(client, CONF);
            Map<String, Object> added = xo(client, HOST_A, "other-config", target, name, "add", key, "v1");
            assertEquals(ref, added.get("ref"));
            assertEquals(Boolean.FALSE, map(added.get("add")).get("thrown"), "add: " + added.get("add"));
            Map<String, Object> readd = map(added.get("readd"));
            assertEquals(Boolean.TRUE, readd.get("thrown"), "re-add must fail: " + readd);
            assertEquals("MAP_DUPLICATE_KEY", readd.get("code"));
            assertEquals(List.of(cls, "other_config", ref, key), readd.get("params"));
            assertEquals("v1", map(added.get("other_config")).get(key));
            assertEquals("v1", simState.get().get(key));

            Map<String, Object> removed = xo(client, HOST_A, "other-config", target, name, "remove", key);
            assertEquals(Boolean.FALSE, map(removed.get("remove")).get("thrown"), "remove: " + removed.get("remove"));
            assertEquals(Boolean.FALSE, map(removed.get("again")).get("thrown"), "removing again is a no-op: " + removed.get("again"));
            assertFalse(map(removed.get("other_config")).containsKey(key));
            assertFalse(simState.get().containsKey(key));
        }
        if (onPool) assertEquals("1", pool.poolOtherConfig().get("tandem.epoch"), "other keys untouched");
    }

    private void startHalted(Client client) throws Exception {
        String vm = vmUuid(client, HALTED);
        assertEquals("Halted", pool.vmPowerState(vm), "precondition");
        int starts = pool.startCount(vm);
        if (client == Client.JAVA_SDK) {
            Connection c = sdkLogin(HOST_A);
            VM v = Types.toVM(pool.vmRef(vm));
            assertEquals(Types.VmPowerState.HALTED, v.getPowerState(c));
            v.start(c, false, false);
            assertEquals(Types.VmPowerState.RUNNING, v.getPowerState(c));
            Session.logout(c);
        } else {
            Map<String, Object> r = xo(client, HOST_A, "start-vm", vmName(client, HALTED));
            assertEquals(pool.vmRef(vm), r.get("ref"));
            assertEquals("Halted", r.get("before"));
            assertEquals("Running", r.get("after"));
        }
        assertEquals("Running", pool.vmPowerState(vm));
        assertNotNull(pool.vmResidentOnUuid(vm), "a Running VM is resident on a host");
        assertEquals(starts + 1, pool.startCount(vm));
    }

    private void events(Client client) throws Exception {
        String vm = vmUuid(client, CONF);
        String ref = pool.vmRef(vm);
        Set<String> allVmRefs = pool.spec().vms().stream().map(v -> pool.vmRef(v.uuid())).collect(Collectors.toSet());
        Set<String> firstVmRefs = new HashSet<>();
        String modOperation;
        String modClass;
        if (client == Client.JAVA_SDK) {
            Connection c = sdkLogin(HOST_A);
            Set<String> classes = Set.of("VM", "pool");
            EventBatch first = Event.from(c, classes, "", 5.1);
            for (Event.Record e : first.events) {
                if ("vm".equalsIgnoreCase(e.clazz)) firstVmRefs.add(e.ref);
            }
            assertTrue(first.events.stream().anyMatch(e -> "pool".equalsIgnoreCase(e.clazz)), "first batch has the pool");
            VM v = Types.toVM(ref);
            v.addToOtherConfig(c, "contract.event", "1");
            String token = first.token;
            Event.Record mod = null;
            for (int i = 0; i < 5 && mod == null; i++) {
                EventBatch later = Event.from(c, classes, token, 2.1);
                token = later.token;
                mod = later.events.stream().filter(e -> ref.equals(e.ref) && e.operation == Types.EventOperation.MOD)
                        .findFirst().orElse(null);
            }
            assertNotNull(mod, "a later event.from shows a mod of " + ref);
            modOperation = "mod";
            modClass = mod.clazz;
            v.removeFromOtherConfig(c, "contract.event");
            Session.logout(c);
        } else {
            Map<String, Object> r = xo(client, HOST_A, "events", vmName(client, CONF));
            Map<String, Object> first = map(r.get("first"));
            assertTrue(((List<?>) first.get("classes")).stream().anyMatch(x -> "pool".equalsIgnoreCase((String) x)),
                    "first batch has the pool: " + first);
            for (Object o : (List<?>) first.get("vm_refs")) firstVmRefs.add((String) o);
            Map<String, Object> mod = r.get("mod") == null ? null : map(r.get("mod"));
            assertNotNull(mod, "a later event.from shows a mod of " + ref + "; later batch sizes " + r.get("later"));
            assertEquals(ref, mod.get("ref"));
            assertEquals(Boolean.TRUE, mod.get("snapshot_has_key"), "the mod's snapshot carries the change: " + mod);
            modOperation = (String) mod.get("operation");
            modClass = (String) mod.get("class");
        }
        assertTrue(firstVmRefs.containsAll(allVmRefs), "first batch has every guest VM: " + firstVmRefs);
        assertEquals("mod", modOperation);
        assertEquals("vm", modClass.toLowerCase());
        assertFalse(pool.vmOtherConfig(vm).containsKey("contract.event"), "cleaned up");
    }

    private void power(Client client, Scenario scenario) throws Exception {
        String vm = vmUuid(client, POWER);
        String name = vmName(client, POWER);
        String expectedBefore = scenario == Scenario.POWER_ON ? "Halted" : "Running";
        String expectedAfter = scenario == Scenario.POWER_OFF ? "Halted" : "Running";
        assertEquals(expectedBefore, pool.vmPowerState(vm),
                "precondition (" + client + " power scenarios run in the order status, off, on)");
        String seen;
        if (client == Client.JAVA_SDK) {
            Connection c = sdkLogin(HOST_A);
            Set<VM> byName = VM.getByNameLabel(c, name);
            assertEquals(1, byName.size());
            VM v = byName.iterator().next();
            assertEquals(pool.vmRef(vm), v.toWireString());
            if (scenario == Scenario.POWER_OFF) v.hardShutdown(c);
            if (scenario == Scenario.POWER_ON) v.start(c, false, false);
            seen = sdkPowerState(v.getPowerState(c));
            Session.logout(c);
        } else if (client.xo()) {
            String action = scenario == Scenario.POWER_STATUS ? "status" : scenario == Scenario.POWER_OFF ? "off" : "on";
            Map<String, Object> r = xo(client, HOST_A, "power", action, name);
            assertEquals(pool.vmRef(vm), r.get("ref"));
            seen = (String) r.get("power_state");
        } else {
            seen = fence(scenario, name, expectedAfter);
        }
        assertEquals(expectedAfter, seen);
        assertEquals(expectedAfter, pool.vmPowerState(vm));
        if (expectedAfter.equals("Halted")) assertNull(pool.vmResidentOnUuid(vm));
        else assertNotNull(pool.vmResidentOnUuid(vm));
    }

    // ------------------------------------------------------------------ the Java SDK

    private static Connection sdkLogin(String hostUuid) throws Exception {
        Connection c = new Connection(new URL(server.endpoint(hostUuid).toString()));
        try {
            Session.loginWithPassword(c, USER, PASSWORD);
        } catch (Types.HostIsSlave slave) {
            // What every SDK client does: reconnect to the named master on the same scheme and port.
            c = new Connection(new URL("http://" + slave.masterIPAddress + ":" + server.port() + "/"));
            Session.loginWithPassword(c, USER, PASSWORD);
        }
        return c;
    }

    private static String sdkPowerState(Types.VmPowerState s) {
        return switch (s) {
            case HALTED -> "Halted";
            case RUNNING -> "Running";
            case PAUSED -> "Paused";
            case SUSPENDED -> "Suspended";
            default -> String.valueOf(s);
        };
    }

    // ------------------------------------------------------------------ npm xen-api

    private static Path jsDir;
    private static String jsSetupFailure;

    /** {@code npm ci} of src/test/js into target/js-contract, once per JVM (reused when already there). */
    private static synchronized Path jsClient() throws Exception {
        if (jsSetupFailure != null) fail(jsSetupFailure);
        if (jsDir != null) return jsDir;
        String node = which("node");
        String npm = which("npm");
        if (node == null || npm == null) {
            jsSetupFailure = "the contract suite needs Node.js >= 18 and npm on PATH for Xen Orchestra's xen-api client: "
                    + "install the Debian packages `nodejs` and `npm` (apt-get install -y nodejs npm); missing: "
                    + (node == null ? "node " : "") + (npm == null ? "npm" : "");
            fail(jsSetupFailure);
        }
        Path src = Path.of("src/test/js").toAbsolutePath();
        Path dir = Path.of("target/js-contract").toAbsolutePath();
        Files.createDirectories(dir);
        for (String f : List.of("package.json", "package-lock.json", "contract.mjs")) {
            Files.copy(src.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        Path installed = dir.resolve("node_modules/xen-api/package.json");
        if (!Files.exists(installed) || !Files.readString(installed).contains("\"version\": \"4.7.6\"")) {
            Result r = run(dir, Map.of(), NPM_TIMEOUT, npm, "ci", "--no-audit", "--no-fund", "--loglevel=error");
            if (r.rc != 0 || !Files.exists(installed)) {
                jsSetupFailure = "npm ci of xen-api 4.7.6 into " + dir + " failed (rc " + r.rc + "; needs the npm registry "
                        + "or a warm npm cache):\n" + r.stdout + r.stderr;
                fail(jsSetupFailure);
            }
        }
        jsDir = dir;
        return dir;
    }

    /** Runs one contract.mjs scenario; returns its JSON line, failing with the client's error when not ok. */
    private static Map<String, Object> xo(Client client, String hostUuid, String scenario, String... args) throws Exception {
        Path dir = jsClient();
        List<String> cmd = new ArrayList<>(List.of(which("node"), "contract.mjs",
                "http://" + pool.hostAddress(hostUuid) + ":" + server.port(), client.transport(), scenario));
        cmd.addAll(List.of(args));
        Result r = run(dir, Map.of("XAPI_USER", USER, "XAPI_PASSWORD", PASSWORD), PROCESS_TIMEOUT, cmd.toArray(String[]::new));
        String line = r.stdout.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse(null);
        if (line == null) fail("xen-api " + client.transport() + " " + scenario + ": no JSON result (rc " + r.rc + ")\n" + r.stdout + r.stderr);
        System.out.println("xen-api " + client.transport() + " " + scenario + " " + String.join(" ", args) + " -> " + line);
        Map<String, Object> out = map(JsonText.parse(line));
        if (!Boolean.TRUE.equals(out.get("ok"))) {
            fail("xen-api " + client.transport() + " " + scenario + " " + String.join(" ", args) + " failed: " + line
                    + (r.stderr.isBlank() ? "" : "\nstderr: " + r.stderr.strip()));
        }
        return out;
    }

    // ------------------------------------------------------------------ fence_xenapi

    /** Runs fence_xenapi for a power scenario; returns the power state its output implies. */
    private static String fence(Scenario scenario, String vmName, String expected) throws Exception {
        String agent = which("fence_xenapi");
        if (agent == null) {
            fail("the contract suite needs ClusterLabs fence_xenapi: install the Debian package `fence-agents` "
                    + "(apt-get install -y fence-agents)");
        }
        String action = scenario == Scenario.POWER_STATUS ? "status" : scenario == Scenario.POWER_OFF ? "off" : "on";
        Result r = run(Path.of("target").toAbsolutePath(), Map.of("PYTHONWARNINGS", "ignore::DeprecationWarning"),
                PROCESS_TIMEOUT, agent, "--session-url=http://" + ADDR_A + ":" + server.port(), "--username=" + USER,
                "--password=" + PASSWORD, "--plug=" + vmName, "--action=" + action, "--power-timeout=15");
        String all = "fence_xenapi --action=" + action + " rc=" + r.rc + ": " + String.join(" | ", r.stdout.strip().lines().toList())
                + "\nstderr: " + r.stderr.strip();
        assertEquals(0, r.rc, all);
        if (scenario == Scenario.POWER_STATUS) {
            assertTrue(r.stdout.contains("Status: ON"), all);
            return "Running";
        }
        String want = scenario == Scenario.POWER_OFF ? "Success: Powered OFF" : "Success: Powered ON";
        assertTrue(r.stdout.contains(want), "expected '" + want + "'\n" + all);
        return expected;
    }

    // ------------------------------------------------------------------ the pass/fail matrix

    /**
     * Collects each case's outcome and, after the class, prints a scenario x client matrix and writes it to
     * {@code target/contract-matrix.txt} with the first line of each failure.
     */
    static final class Matrix implements TestWatcher, AfterAllCallback {
        private static final Map<String, String> cells = new java.util.concurrent.ConcurrentHashMap<>();
        private static final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());

        private static String key(ExtensionContext ctx) {
            return ctx.getDisplayName();
        }

        @Override
        public void testSuccessful(ExtensionContext ctx) {
            cells.put(key(ctx), "pass");
        }

        @Override
        public void testFailed(ExtensionContext ctx, Throwable cause) {
            cells.put(key(ctx), "FAIL");
            String msg = cause instanceof Types.XenAPIException x && x.errorDescription != null
                    ? cause.getClass().getSimpleName() + " " + java.util.Arrays.toString(x.errorDescription)
                    : String.valueOf(cause.getMessage() == null ? cause : cause.getMessage());
            failures.add(key(ctx) + ": " + msg.lines().findFirst().orElse(""));
        }

        @Override
        public void afterAll(ExtensionContext ctx) throws Exception {
            StringBuilder sb = new StringBuilder(String.format("%-20s", "scenario"));
            for (Client c : Client.values()) sb.append(String.format("%-14s", c));
            sb.append('\n');
            for (Scenario s : Scenario.values()) {
                sb.append(String.format("%-20s", s));
                for (Client c : Client.values()) sb.append(String.format("%-14s", cells.getOrDefault(c + " " + s, "-")));
                sb.append('\n');
            }
            synchronized (failures) {
                for (String f : failures) sb.append(f).append('\n');
            }
            System.out.print(sb);
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target/contract-matrix.txt"), sb.toString());
        }
    }

    // ------------------------------------------------------------------ helpers

    private record Result(int rc, String stdout, String stderr) {
    }

    private static Result run(Path dir, Map<String, String> env, Duration timeout, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
            fail(String.join(" ", cmd) + ": no exit after " + timeout + "\nstdout: " + out.getNow("") + "\nstderr: " + err.getNow(""));
        }
        return new Result(p.exitValue(), out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS));
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(" + e + ")";
            }
        });
    }

    /**
     * An executable on PATH, or in /usr/sbin or /sbin (where Debian puts the fence agents). The system
     * property {@code contract.path} replaces PATH (to check the missing-client failure).
     */
    private static String which(String name) {
        String path = System.getProperty("contract.path", System.getenv().getOrDefault("PATH", ""));
        List<String> dirs = new ArrayList<>(List.of(path.split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/local/sbin", "/usr/sbin", "/sbin"));
        for (String d : dirs) {
            if (d.isEmpty()) continue;
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) return p.toString();
        }
        return null;
    }

    private static List<String> summary(List<CallRecord> calls) {
        return calls.stream().map(r -> r.hostAddress() + " " + r.outcome()).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        assertTrue(o instanceof Map, "expected a JSON object: " + o);
        return (Map<String, Object>) o;
    }

    private static List<Map<String, Object>> maps(Object o) {
        assertTrue(o instanceof List, "expected a JSON array: " + o);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object e : (List<?>) o) out.add(map(e));
        return out;
    }
}
