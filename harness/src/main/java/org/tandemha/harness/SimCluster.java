package org.tandemha.harness;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.tandemha.harness.demo.JournalTimeline;
import org.tandemha.harness.sim.HostSpec;
import org.tandemha.harness.sim.SimControlServer;
import org.tandemha.harness.sim.SimPool;
import org.tandemha.harness.sim.SimPoolSpec;
import org.tandemha.harness.sim.XapiSimServer;

/**
 * A simulated pool with one Tandem node per host, each its own JVM ({@link SimNodeMain}), and optional
 * witness JVMs: the ground of the demo and of the multi-process tests. A host that loses power — cut by
 * the harness, fenced by a node, or fencing itself — takes its node process with it (SIGKILL), as a real
 * power loss would. Nodes and witnesses share one seed list (witnesses first), so any of them can start
 * or restart alone and rejoin.
 */
public final class SimCluster implements AutoCloseable {

  /**
   * @param nodeConfig extra HOCON appended to every node's configuration (e.g. shorter timings)
   */
  public record Options(Path runDir, String classpath, SimPoolSpec spec, int witnesses, String nodeConfig,
                        PrintStream out) {}

  /** The heuristics address of the simulated network: every node reaches it unless cut from the gateway. */
  public static final String GATEWAY = "127.0.0.1";

  private final Options o;
  private final Map<String, Process> nodes = new java.util.concurrent.ConcurrentHashMap<>();
  private final List<Process> witnessProcesses = new ArrayList<>();
  private final Map<String, Integer> ports = new LinkedHashMap<>();
  private final List<Integer> witnessPorts = new ArrayList<>();
  private final Map<String, Integer> starts = new LinkedHashMap<>();
  private final Thread reaper = new Thread(this::killAll, "sim-cluster-reaper");
  public final SimPool pool;
  private final XapiSimServer xapi;
  private final SimControlServer control;
  /** The simulated pool's CA: every node and witness gets a certificate of it, as `tandem tls issue` makes them. */
  private final org.tandemha.controller.tls.PoolCa.Signed ca;

  public SimCluster(Options options) throws IOException {
    this.o = options;
    Runtime.getRuntime().addShutdownHook(reaper);
    Files.createDirectories(o.runDir());
    java.time.Instant now = java.time.Instant.now();
    ca = org.tandemha.controller.tls.PoolCa.newCa(o.spec().poolName(), now.minus(java.time.Duration.ofMinutes(5)),
        now.plus(java.time.Duration.ofDays(30)));
    pool = new SimPool(o.spec());
    xapi = new XapiSimServer(pool, 0);
    control = new SimControlServer(pool, 0);
    for (int i = 0; i < o.witnesses(); i++) witnessPorts.add(freePort());
    for (HostSpec h : o.spec().hosts()) ports.put(h.uuid(), freePort());
    // A powered-off host runs nothing: its node dies with it, whoever cut the power.
    pool.onPowerOff(this::killNodeOf);
  }

  public int xapiPort() { return xapi.port(); }

  public int controlPort() { return control.port(); }

  public HostSpec host(String uuid) {
    return o.spec().hosts().stream().filter(h -> h.uuid().equals(uuid)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no host " + uuid));
  }

  public String name(String hostUuid) {
    return o.spec().hosts().stream().filter(h -> h.uuid().equals(hostUuid)).map(HostSpec::name).findFirst()
        .orElse(hostUuid);
  }

  /** Starts every witness, then a node on every host. */
  public void startAll() throws IOException {
    for (int i = 0; i < o.witnesses(); i++) startWitness(i);
    for (HostSpec h : o.spec().hosts()) startNode(h.uuid());
  }

  /** Starts (or starts again) the node of a host, with its journal kept from any earlier run. */
  public synchronized Process startNode(String hostUuid) throws IOException {
    HostSpec h = host(hostUuid);
    String name = nodeName(hostUuid);
    Path dir = o.runDir().resolve(name);
    Files.createDirectories(dir);
    Path conf = o.runDir().resolve(name + ".conf");
    String simHosts = o.spec().hosts().stream().map(x -> "\"" + x.address() + "=" + x.uuid() + "\"")
        .collect(Collectors.joining(", "));
    Files.writeString(conf, String.format(Locale.ROOT, """
        # written by the harness for %s (host %s)
        tandem {
          node { host-uuid = "%s", host-address = "%s" }
          xapi { scheme = "http", port = %d, user = "%s", password-file = "%s", call-timeout = 3s, connect-timeout = 1s }
          ha {
            global-vm-ha = 0
            fence-heuristics-ips = "%s"
            fence-timeout = 10s
            promote-wait = 30s
          }
          cluster.witnesses = %d
          cluster.tls.dir = "%s"
          journal.dir = "%s"
          admin.socket = "%s"
          sim.fence-url = "http://127.0.0.1:%d/"
          sim.hosts = [%s]
          sim.gateway = "%s"
        }
        akka.remote.artery.canonical.port = %d
        akka.remote.artery.advanced.test-mode = on
        akka.cluster.seed-nodes = [%s]
        %s
        """, name, h.name(), h.uuid(), h.address(), xapi.port(), o.spec().username(), xapiPasswordFile(), GATEWAY,
        o.witnesses(), tls(name, h.address()), dir.resolve("journal"), adminSocket(hostUuid), control.port(), simHosts, GATEWAY, ports.get(hostUuid), seeds(),
        o.nodeConfig() + extraNodeConfig()));
    Process p = launch(name, List.of("--config", conf.toString()));
    nodes.put(hostUuid, p);
    int n = starts.merge(hostUuid, 1, Integer::sum);
    say("%s %s (pid %d) for host %s, cluster port %d, log %s", n == 1 ? "started" : "restarted", name, p.pid(),
        h.name(), ports.get(hostUuid), log(hostUuid));
    return p;
  }

  /** The pool's XAPI password in a 0600 file, as an operator keeps it (written once). */
  private Path xapiPasswordFile() throws IOException {
    Path file = o.runDir().resolve("secrets").resolve("xapi.pass").toAbsolutePath();
    if (!Files.exists(file)) {
      Files.createDirectories(file.getParent());
      org.tandemha.controller.tls.PoolCa.writeSecret(file, o.spec().password());
    }
    return file;
  }

  /** A node's or witness's TLS files (made once, kept across restarts), as `tandem tls issue NAME` makes them. */
  private Path tls(String name, String address) throws IOException {
    Path dir = o.runDir().resolve("tls").resolve(name).toAbsolutePath();
    if (!Files.exists(dir.resolve(org.tandemha.controller.tls.PoolCa.NODE_STORE))) {
      try {
        org.tandemha.controller.tls.PoolCa.writeBundle(ca, name, List.of(address), ca.certificate().getNotBefore()
            .toInstant(), ca.certificate().getNotAfter().toInstant(), dir);
      } catch (java.security.GeneralSecurityException e) {
        throw new IOException("cannot issue " + name + "'s certificate: " + e.getMessage(), e);
      }
    }
    return dir;
  }

  /** The admin socket of a host's node, for the tandem CLI ({@code --socket}). */
  public Path adminSocket(String hostUuid) {
    return o.runDir().resolve(nodeName(hostUuid)).resolve("admin.sock").toAbsolutePath();
  }

  public void startWitness(int i) throws IOException {
    String name = "witness-" + (i + 1);
    Path conf = o.runDir().resolve(name + ".conf");
    Files.writeString(conf, String.format(Locale.ROOT, """
        # written by the harness for %s
        tandem.cluster.tls.dir = "%s"
        akka.remote.artery.canonical.port = %d
        akka.cluster.seed-nodes = [%s]
        %s
        """, name, tls(name, "127.0.0.1"), witnessPorts.get(i), seeds(), extraNodeConfig()));
    Process p = launch(name, List.of("--witness", "--config", conf.toString()));
    witnessProcesses.add(p);
    say("started %s (pid %d), cluster port %d", name, p.pid(), witnessPorts.get(i));
  }

  private String seeds() {
    List<Integer> all = new ArrayList<>(witnessPorts);
    all.addAll(ports.values());
    return all.stream().map(p -> "\"akka://tandem@127.0.0.1:" + p + "\"").collect(Collectors.joining(", "));
  }

  /**
   * The JVM options bin/tandem (ops/dist/tandem) gives a node and a witness, so that what the benchmarks measure is
   * what a host runs; NodeJvmOptionsTest fails when the two drift apart.
   */
  public static final List<String> NODE_JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC",
      "-XX:TieredStopAtLevel=1", "-XX:CompileThresholdScaling=0.05", "-Xss512k", "-XX:-UsePerfData",
      "-Djava.util.concurrent.ForkJoinPool.common.parallelism=2");

  /** Extra HOCON for every node and witness from the environment, e.g. other timings while measuring a benchmark. */
  public static String extraNodeConfig() {
    String extra = System.getenv("TANDEM_SIM_NODE_CONFIG");
    return extra == null ? "" : "\n" + extra + "\n";
  }

  private Process launch(String name, List<String> args) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java));
    cmd.addAll(NODE_JVM_OPTIONS);
    cmd.addAll(List.of("-cp", o.classpath(), "org.tandemha.harness.SimNodeMain"));
    // Extra JVM options for every node, e.g. a flight recording while profiling a benchmark; after the defaults, so
    // they can override them.
    String extra = System.getenv("TANDEM_SIM_NODE_JVM_OPTS");
    if (extra != null && !extra.isBlank()) cmd.addAll(cmd.indexOf("-cp"), List.of(extra.trim().split("\\s+")));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().remove("NOTIFY_SOCKET");   // a harness run under systemd: its nodes are not that unit's service
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(o.runDir().resolve(name + ".log").toFile()));
    return pb.start();
  }

  public String nodeName(String hostUuid) {
    return "node-" + name(hostUuid);
  }

  public Path log(String hostUuid) {
    return o.runDir().resolve(nodeName(hostUuid) + ".log");
  }

  public Path journalFile(String hostUuid) {
    return o.runDir().resolve(nodeName(hostUuid)).resolve("journal/events.jsonl");
  }

  public List<JournalTimeline.Entry> journal(String hostUuid) {
    return JournalTimeline.read(journalFile(hostUuid));
  }

  /** Journal entries of the host's node of one type, decided at or after {@code since}. */
  public List<JournalTimeline.Entry> events(String hostUuid, String type, Instant since) {
    return journal(hostUuid).stream().filter(e -> e.type().equals(type) && !JournalTimeline.atOf(e).isBefore(since))
        .toList();
  }

  public boolean logContains(String hostUuid, String text) {
    try {
      Path f = log(hostUuid);
      return Files.isRegularFile(f) && Files.readString(f).contains(text);
    } catch (IOException | UncheckedIOException e) {
      return false;
    }
  }

  public boolean nodeAlive(String hostUuid) {
    Process p = nodes.get(hostUuid);
    return p != null && p.isAlive();
  }

  /** The process id of the host's node, while it runs. */
  public synchronized java.util.Optional<Long> nodePid(String hostUuid) {
    Process p = nodes.get(hostUuid);
    return p != null && p.isAlive() ? java.util.Optional.of(p.pid()) : java.util.Optional.empty();
  }

  /** SIGKILL of the host's node only: the host and its xapi keep running (a crashed or stopped service). */
  public void killNode(String hostUuid) {
    Process p;
    synchronized (this) {
      p = nodes.get(hostUuid);
    }
    if (p == null) return;
    p.destroyForcibly();
    try {
      p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void killNodeOf(String hostUuid) {
    Process p = nodes.get(hostUuid);   // called under the pool lock: signal only, never wait here
    if (p != null) p.destroyForcibly();
  }

  /** The host loses power: its node is killed (SIGKILL) and the simulated host is powered off. */
  public void powerLoss(String hostUuid) {
    killNode(hostUuid);
    pool.powerOff(hostUuid);
  }

  /** Polls {@code done} every 100 ms until it holds or {@code max} passed. */
  public static boolean await(Duration max, BooleanSupplier done) throws InterruptedException {
    Instant deadline = Instant.now().plus(max);
    while (Instant.now().isBefore(deadline)) {
      if (done.getAsBoolean()) return true;
      Thread.sleep(100);
    }
    return done.getAsBoolean();
  }

  /** Whether the node of {@code hostUuid} logged the cluster member of {@code peerUuid} up. */
  public boolean sees(String hostUuid, String peerUuid) {
    try {
      Path f = log(hostUuid);
      return Files.isRegularFile(f)
          && Files.readString(f).lines().anyMatch(l -> l.contains("is up") && l.contains("host-" + peerUuid));
    } catch (IOException | UncheckedIOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }

  public void say(String format, Object... args) {
    o.out().println(String.format(Locale.ROOT, format, args));
  }

  private void killAll() {
    List<Process> all = new ArrayList<>(witnessProcesses);
    synchronized (this) {
      all.addAll(nodes.values());
    }
    for (Process p : all) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    for (Process p : all) {
      try {
        p.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Stops every node and witness JVM and the simulator; safe to call more than once. */
  @Override public void close() {
    killAll();
    xapi.close();
    control.close();
    pool.close();
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException e) {
      // already shutting down: the hook is running or ran
    }
  }
}
