package org.tandemha.harness.sim;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

/**
 * The simulator on its own, for operators and developers ({@code ops/tandem sim}): N hosts on
 * consecutive loopback addresses and one common port, M running guests spread over them, served until
 * Ctrl-C or SIGTERM. Prints one line per host ({@code host <name-label> <uuid> <url>}), the login
 * line and the master line, so scripts can pick them up.
 */
public final class SimMain {
    public static final int DEFAULT_PORT = 8780;
    public static final String DEFAULT_ADDRESS_BASE = "127.0.0.11";
    static final String USER = "root";
    /** The per-VM HA flag HA-Lizard reads (halizard-behaviour.md conventions); the pool flag is plain. */
    static final String VM_HA_FIELD = "XenCenter.CustomFields.ha-lizard-enabled";

    /** A parsed command line; {@code password} null means a random one per run. */
    record Options(int hosts, int vms, int port, String addressBase, String password, boolean help) {
    }

    /** A bad command line: the message says what is wrong; the caller prints usage and exits 2. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    private SimMain() {
    }

    static String usage() {
        return """
                usage: tandem sim --hosts N --vms M [--port-base P] [--address-base A] [--password PW]
                  Runs a simulated XenServer/XCP-ng pool (XAPI over XML-RPC on /, /RPC2, /xmlrpc and
                  JSON-RPC on /jsonrpc) in the foreground until Ctrl-C or SIGTERM.
                  --hosts N          hosts in the pool, 1..16; the first one is the master
                  --vms M            running guests spread over the hosts, 0..1000
                  --port-base P      the one port every host listens on, 1..65535 (default 8780)
                  --address-base A   loopback address of the first host; the others follow it
                                     (default 127.0.0.11, so 127.0.0.11, 127.0.0.12, ...)
                  --password PW      the root password (default: a random one, printed at start)
                """;
    }

    static Options parse(List<String> args) throws UsageException {
        Integer hosts = null;
        Integer vms = null;
        int port = DEFAULT_PORT;
        String addressBase = DEFAULT_ADDRESS_BASE;
        String password = null;
        // --help anywhere wins, so "tandem sim --hosts x --help" explains rather than complains.
        if (args.contains("--help") || args.contains("-h")) return new Options(0, 0, 0, null, null, true);
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (!List.of("--hosts", "--vms", "--port-base", "--address-base", "--password").contains(name)) {
                throw new UsageException("unknown option \"" + arg + "\"");
            }
            if (value == null) {
                if (i + 1 >= args.size()) throw new UsageException(name + " needs a value");
                value = args.get(++i);
            }
            switch (name) {
                case "--hosts" -> hosts = number(name, value, 1, 16);
                case "--vms" -> vms = number(name, value, 0, 1000);
                case "--port-base" -> port = number(name, value, 1, 65535);
                case "--address-base" -> addressBase = value;
                default -> {
                    if (value.isEmpty()) throw new UsageException("--password must not be empty");
                    password = value;
                }
            }
        }
        if (hosts == null) throw new UsageException("--hosts is required");
        if (vms == null) throw new UsageException("--vms is required");
        addresses(addressBase, hosts);
        return new Options(hosts, vms, port, addressBase, password, false);
    }

    private static int number(String name, String value, int min, int max) throws UsageException {
        int n;
        try {
            n = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new UsageException(name + " must be a whole number, got \"" + value + "\"");
        }
        if (n < min || n > max) throw new UsageException(name + " must be in " + min + ".." + max + ", got " + n);
        return n;
    }

    /**
     * The hosts' addresses: {@code base} and the next {@code n - 1} in its last octet. Loopback only:
     * the simulator has no TLS and a printed password, so it must not be reachable from the network.
     */
    static List<String> addresses(String base, int n) throws UsageException {
        String[] parts = base.split("\\.", -1);
        int[] octets = new int[4];
        boolean ok = parts.length == 4;
        for (int i = 0; ok && i < 4; i++) {
            ok = parts[i].matches("[0-9]{1,3}");
            if (ok) {
                octets[i] = Integer.parseInt(parts[i]);
                ok = octets[i] <= 255;
            }
        }
        if (!ok) throw new UsageException("--address-base must be an IPv4 address like 127.0.0.11, got \"" + base + "\"");
        if (octets[0] != 127) throw new UsageException("--address-base must be a loopback address (127.x.y.z), got " + base);
        if (octets[3] < 1 || octets[3] + n - 1 > 254) {
            throw new UsageException(n + " hosts from " + base + " do not fit in " + octets[0] + "." + octets[1] + "."
                    + octets[2] + ".1-254");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(octets[0] + "." + octets[1] + "." + octets[2] + "." + (octets[3] + i));
        return out;
    }

    /**
     * The pool for these options. Uuids derive from names, so the same command line gives the same
     * uuids every run; guests go round-robin over the hosts, and every fifth has HA off so both cases
     * are there to look at.
     */
    static SimPoolSpec spec(Options o, String password) throws UsageException {
        List<String> addresses = addresses(o.addressBase(), o.hosts());
        List<HostSpec> hosts = new ArrayList<>();
        for (int i = 0; i < o.hosts(); i++) {
            String name = "host-" + (i + 1);
            hosts.add(new HostSpec(stableUuid("host " + name), name, addresses.get(i)));
        }
        List<VmSpec> vms = new ArrayList<>();
        for (int i = 0; i < o.vms(); i++) {
            String name = String.format("vm-%03d", i + 1);
            boolean ha = i % 5 != 4;
            vms.add(new VmSpec(stableUuid("vm " + name), name, "Running", hosts.get(i % hosts.size()).uuid(),
                    Map.of(VM_HA_FIELD, String.valueOf(ha)), 0, 0));
        }
        // Real xapi timings: the emergency-transition fuse, a restart, the failed-login delay.
        return new SimPoolSpec(stableUuid("pool"), "tandem-sim", hosts, hosts.get(0).uuid(), vms,
                Map.of("XenCenter.CustomFields.ha-lizard-enabled", "true"), USER, password,
                Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    private static String stableUuid(String name) {
        return UUID.nameUUIDFromBytes(("tandem-sim " + name).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static String randomPassword() {
        String alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        SecureRandom r = new SecureRandom();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 16; i++) sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        return sb.toString();
    }

    /** The lines printed at start, in order: hosts, login, master. */
    static List<String> banner(SimPoolSpec spec, int port) {
        List<String> lines = new ArrayList<>();
        String masterLine = null;
        for (HostSpec h : spec.hosts()) {
            String url = "http://" + h.address() + ":" + port + "/";
            lines.add("host " + h.name() + " " + h.uuid() + " " + url);
            if (h.uuid().equals(spec.masterUuid())) masterLine = "master: " + h.name() + " " + h.uuid() + " " + url;
        }
        lines.add("login: " + spec.username() + " / " + spec.password());
        lines.add(masterLine);
        return lines;
    }

    public static void main(String[] args) {
        System.exit(run(List.of(args), System.out, System.err));
    }

    /** Returns the exit code: 0 after --help, 1 if the port cannot be bound, 2 on a bad command line. */
    static int run(List<String> args, PrintStream out, PrintStream err) {
        Options o;
        SimPoolSpec spec;
        try {
            o = parse(args);
            if (o.help()) {
                out.print(usage());
                return 0;
            }
            spec = spec(o, o.password() != null ? o.password() : randomPassword());
        } catch (UsageException e) {
            err.println("tandem sim: " + e.getMessage());
            err.print(usage());
            return 2;
        }
        SimPool pool = new SimPool(spec);
        XapiSimServer server;
        try {
            server = new XapiSimServer(pool, o.port());
        } catch (IOException | RuntimeException e) {
            err.println("tandem sim: cannot listen on port " + o.port() + " of " + String.join(", ",
                    spec.hosts().stream().map(HostSpec::address).toList()) + " (" + e
                    + "); is it busy? Pick another with --port-base");
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            err.println("tandem sim: stopped");
            stopped.countDown();
        }, "tandem-sim-shutdown"));
        banner(spec, server.port()).forEach(out::println);
        out.println("serving " + spec.hosts().size() + " hosts and " + spec.vms().size()
                + " VMs (XML-RPC on /, /RPC2, /xmlrpc; JSON-RPC on /jsonrpc); Ctrl-C stops");
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
