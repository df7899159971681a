package org.tandemha.harness.sim;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ops/tandem sim}'s command line, pool layout and start-up lines, without spawning a process. */
class SimMainTest {

    private static SimMain.Options parse(String... args) throws SimMain.UsageException {
        return SimMain.parse(List.of(args));
    }

    private static String rejected(String... args) {
        return assertThrows(SimMain.UsageException.class, () -> parse(args), String.join(" ", args)).getMessage();
    }

    @Test
    void defaultsAndBothOptionForms() throws Exception {
        assertEquals(new SimMain.Options(3, 10, 8780, "127.0.0.11", null, false), parse("--hosts", "3", "--vms", "10"));
        assertEquals(new SimMain.Options(16, 0, 1, "127.0.1.1", "pw", false),
                parse("--vms=0", "--hosts=16", "--port-base=1", "--address-base", "127.0.1.1", "--password", "pw"));
        assertEquals(new SimMain.Options(1, 1000, 65535, "127.0.0.11", null, false),
                parse("--hosts", "1", "--vms", "1000", "--port-base", "65535"));
        assertTrue(parse("--hosts", "x", "--help").help(), "--help wins over any other argument");
        assertTrue(parse("-h").help());
    }

    @Test
    @DisplayName("bad input is refused with a message naming the problem, before anything starts")
    void validation() {
        assertTrue(rejected().contains("--hosts is required"));
        assertTrue(rejected("--hosts", "2").contains("--vms is required"));
        assertTrue(rejected("--hosts", "0", "--vms", "1").contains("--hosts must be in 1..16, got 0"));
        assertTrue(rejected("--hosts", "17", "--vms", "1").contains("1..16"));
        assertTrue(rejected("--hosts", "two", "--vms", "1").contains("whole number"));
        assertTrue(rejected("--hosts", "2", "--vms", "-1").contains("0..1000"));
        assertTrue(rejected("--hosts", "2", "--vms", "1001").contains("0..1000"));
        assertTrue(rejected("--hosts", "2", "--vms", "1", "--port-base", "0").contains("1..65535"));
        assertTrue(rejected("--hosts", "2", "--vms", "1", "--port-base", "65536").contains("1..65535"));
        assertTrue(rejected("--hosts", "2", "--vms", "1", "--port-base", "99999999999").contains("whole number"));
        assertTrue(rejected("--hosts", "2", "--vms").contains("--vms needs a value"));
        assertTrue(rejected("--hosts", "2", "--vms", "1", "--nodes", "3").contains("unknown option \"--nodes\""));
        assertTrue(rejected("--hosts", "2", "--vms", "1", "extra").contains("unknown option \"extra\""));
        assertTrue(rejected("--hosts", "2", "--vms", "1", "--address-base", "localhost").contains("IPv4"));
        assertTrue(rejected("--hosts", "2", "--vms", "1", "--address-base", "127.0.0.256").contains("IPv4"));
        assertTrue(rejected("--hosts", "2", "--vms", "1", "--address-base", "10.0.0.1").contains("loopback"));
        assertTrue(rejected("--hosts", "3", "--vms", "1", "--address-base", "127.0.0.253").contains("do not fit"));
        assertTrue(rejected("--hosts", "2", "--vms", "1", "--password", "").contains("empty"));
    }

    @Test
    @DisplayName("run() exits 2 on bad input and 0 on --help, printing usage where the operator looks")
    void exitCodes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = SimMain.run(List.of("--hosts", "99", "--vms", "1"), print(out), print(err));
        assertEquals(2, rc);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.startsWith("tandem sim: --hosts must be in 1..16, got 99\nusage: tandem sim --hosts N"), e);

        out.reset();
        assertEquals(0, SimMain.run(List.of("--help"), print(out), print(new ByteArrayOutputStream())));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("usage: tandem sim"));
    }

    @Test
    @DisplayName("a busy port is a clear error and exit 1, with no endpoint left open")
    void busyPort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.39"))) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int rc = SimMain.run(List.of("--hosts", "1", "--vms", "0", "--address-base", "127.0.0.39",
                    "--port-base", Integer.toString(taken.getLocalPort())), print(new ByteArrayOutputStream()), print(err));
            assertEquals(1, rc);
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("cannot listen on port " + taken.getLocalPort()
                    + " of 127.0.0.39"), err.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    @DisplayName("the pool: consecutive addresses, first host master, VMs round-robin, HA flag on most")
    void poolLayoutAndBanner() throws Exception {
        SimPoolSpec spec = SimMain.spec(parse("--hosts", "3", "--vms", "10", "--address-base", "127.0.0.31"), "pw");
        assertEquals(List.of("127.0.0.31", "127.0.0.32", "127.0.0.33"), spec.hosts().stream().map(HostSpec::address).toList());
        assertEquals(spec.hosts().get(0).uuid(), spec.masterUuid());
        assertEquals(Map.of("XenCenter.CustomFields.ha-lizard-enabled", "true"), spec.poolOtherConfig());
        assertEquals(10, spec.vms().size());
        assertTrue(spec.vms().stream().allMatch(v -> v.powerState().equals("Running")));
        Map<String, Long> perHost = spec.vms().stream().collect(Collectors.groupingBy(VmSpec::residentOnHostUuid, Collectors.counting()));
        assertEquals(List.of(4L, 3L, 3L), spec.hosts().stream().map(h -> perHost.get(h.uuid())).toList());
        long ha = spec.vms().stream().filter(v -> "true".equals(v.otherConfig().get(SimMain.VM_HA_FIELD))).count();
        assertEquals(8, ha);
        // Same command line, same uuids: scripts and notes stay valid across runs.
        assertEquals(spec.hosts(), SimMain.spec(parse("--hosts", "3", "--vms", "10", "--address-base", "127.0.0.31"), "x").hosts());

        List<String> banner = SimMain.banner(spec, 8780);
        assertEquals(5, banner.size());
        assertEquals("host host-1 " + spec.hosts().get(0).uuid() + " http://127.0.0.31:8780/", banner.get(0));
        assertEquals("host host-3 " + spec.hosts().get(2).uuid() + " http://127.0.0.33:8780/", banner.get(2));
        assertEquals("login: root / pw", banner.get(3));
        assertEquals("master: host-1 " + spec.hosts().get(0).uuid() + " http://127.0.0.31:8780/", banner.get(4));
    }

    private static PrintStream print(ByteArrayOutputStream b) {
        return new PrintStream(b, true, StandardCharsets.UTF_8);
    }
}
