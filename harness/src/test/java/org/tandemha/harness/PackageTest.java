package org.tandemha.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemha.controller.host.SystemdNotify;
import org.tandemha.harness.sim.HostSpec;
import org.tandemha.harness.sim.SimPool;
import org.tandemha.harness.sim.SimPoolSpec;
import org.tandemha.harness.sim.VmSpec;
import org.tandemha.harness.sim.XapiSimServer;

/**
 * What ops/package makes (issue #11), as an operator gets it: the tarball extracted into a fresh directory, a node
 * started by its bin/tandem on the bundled Java runtime against the simulator and found ready the way systemd
 * finds it (READY=1 on a notify socket); the RPM's files and modes; ops/install and ops/uninstall run twice.
 * ops/test runs ops/package first and sets {@code tandem.package.required}; a bare {@code mvn verify} skips these.
 */
class PackageTest {
  static final Path DIST = Path.of("..", "dist");
  static final String HOST = "5a1b2c3d-0000-4000-8000-00000000a115";
  static final String ADDRESS = "127.0.0.115";
  static final String PASSWORD = "package-test-secret-1";

  static Path tarball;
  @TempDir static Path unpacked;

  @BeforeAll
  static void unpack() throws Exception {
    tarball = newest("linux-x86_64.tar.gz").orElse(null);
    required(tarball, "the tarball");
    run(List.of("tar", "-C", unpacked.toString(), "-xzf", tarball.toString()), Duration.ofMinutes(2));
  }

  @Test
  void theTarballHoldsTheApplicationItsRuntimeAndUnitsWithinTheSizeLimit() throws IOException {
    assertTrue(Files.size(tarball) <= 120L * 1024 * 1024, "tarball " + Files.size(tarball) + " bytes > 120 MB");
    Path app = app();
    for (String exe : List.of("bin/tandem", "bin/ha-cfg", "bin/iscsi-cfg", "runtime/bin/java", "runtime/bin/keytool",
        "install", "uninstall", "drbd-split-brain-handler")) {
      assertTrue(Files.isExecutable(app.resolve(exe)), exe);
    }
    for (String file : List.of("systemd/tandem.service", "systemd/tandem-witness.service", "conf/logback-journal.xml",
        "conf/tandem.conf.example", "conf/witness.conf.example", "doc/README.md", "VERSION",
        "lib/native/libjnidispatch.so")) {
      assertTrue(Files.isRegularFile(app.resolve(file)), file);
    }
    try (Stream<Path> jars = Files.list(app.resolve("lib"))) {
      List<String> names = jars.map(p -> p.getFileName().toString()).toList();
      assertTrue(names.stream().anyMatch(n -> n.startsWith("tandem-controller-")), names.toString());
      assertTrue(names.stream().anyMatch(n -> n.startsWith("akka-actor_2.13-2.8.5")), "Akka 2.8.5: " + names);
      assertFalse(names.stream().anyMatch(n -> n.matches("akka-.*-2\\.(8\\.[6-9]|9|1\\d).*")), names.toString());
    }
  }

  @Test
  void aNodeOnTheBundledRuntimeIsReadyTheWaySystemdSeesIt(@TempDir Path dir) throws Exception {
    SimPoolSpec spec = new SimPoolSpec("5a1b2c3d-0000-4000-8000-0000000000f1", "package-pool",
        List.of(new HostSpec(HOST, "pkg-a", ADDRESS)), HOST,
        List.of(new VmSpec("5a1b2c3d-0000-4000-8000-00000000b001", "vm-1", "Running", HOST, Map.of(), 0, 0)),
        Map.of(), "root", PASSWORD, Duration.ofSeconds(1), Duration.ofSeconds(1));
    SimPool pool = new SimPool(spec);
    int clusterPort;
    try (var probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      clusterPort = probe.getLocalPort();
    }
    try (XapiSimServer xapi = new XapiSimServer(pool, 0);
         SystemdNotify.Listener systemd = new SystemdNotify.Listener(dir.resolve("notify").toString())) {
      // Mutual TLS by default: the pool CA and this node's certificate, made by the packaged CLI.
      String tandem = app().resolve("bin/tandem").toString();
      run(List.of(tandem, "tls", "init", "--dir", dir.resolve("tls").toString()), Duration.ofMinutes(1));
      String issued = run(List.of(tandem, "tls", "issue", "pkg-a", "--address", "127.0.0.1", "--dir",
          dir.resolve("tls").toString()), Duration.ofMinutes(1));
      assertTrue(issued.contains("issued pkg-a's certificate"), issued);
      Path conf = dir.resolve("tandem.conf");
      Files.writeString(conf, String.format("""
          tandem {
            node { host-uuid = "%s", host-address = "%s" }
            xapi { scheme = "http", port = %d, user = "root", password-file = "%s" }
            cluster.witnesses = 0
            cluster.tls.dir = "%s"
            fence.method = POOL
            journal.dir = "%s"
            admin.socket = "%s"
          }
          akka.remote.artery.canonical.port = %d
          akka.cluster.seed-nodes = ["akka://tandem@127.0.0.1:%d"]
          """, HOST, ADDRESS, xapi.port(), secret(dir), dir.resolve("tls/pkg-a"), dir.resolve("journal"), dir.resolve("run/admin.sock"),
          clusterPort, clusterPort));
      ProcessBuilder pb = new ProcessBuilder(tandem, "node", "--config", conf.toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("node.log").toFile());
      pb.environment().put("NOTIFY_SOCKET", dir.resolve("notify").toString());
      pb.environment().remove("JOURNAL_STREAM");
      Process node = pb.start();
      try {
        List<String> heard = new ArrayList<>();
        long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (heard.stream().noneMatch(m -> m.startsWith("READY=1")) && System.nanoTime() < end && node.isAlive()) {
          systemd.next(1000).ifPresent(heard::add);
        }
        String log = Files.readString(dir.resolve("node.log"));
        assertTrue(heard.stream().anyMatch(m -> m.startsWith("READY=1\nSTATUS=ready: host " + HOST + " in the cluster")),
            "systemd heard " + heard + "\nnode log:\n" + log);
        assertTrue(heard.stream().anyMatch(m -> m.startsWith("STATUS=starting")), "a status while starting: " + heard);
        assertTrue(log.contains("cluster transport: mutual TLS 1.3"), log);
        // The process systemd watches is the bundled runtime's java (bin/tandem execs it): no JDK of the host.
        String command = node.info().command().orElse("");
        assertEquals(app().resolve("runtime/bin/java").toRealPath().toString(), command);
        Optional<String> next = systemd.next(5000);
        assertEquals(Optional.of("WATCHDOG=1"), next, "keep-alives follow from the guardian's tick");
        node.destroy();   // SIGTERM, as systemctl stop sends
        List<String> after = new ArrayList<>();
        long stopEnd = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (after.stream().noneMatch(m -> m.startsWith("STOPPING=1")) && System.nanoTime() < stopEnd) {
          systemd.next(500).ifPresent(after::add);
        }
        assertTrue(after.stream().anyMatch(m -> m.startsWith("STOPPING=1")), "told systemd it stops: " + after);
        assertTrue(node.waitFor(45, TimeUnit.SECONDS), "stopped within TimeoutStopSec");
        assertFalse(Files.readString(dir.resolve("node.log")).contains(PASSWORD), "the XAPI password in the log");
      } finally {
        node.destroyForcibly();
      }
    }
  }

  @Test
  void theRpmInstallsUnderFhsPathsWithTheModesAsked() throws Exception {
    Path rpm = newest(".x86_64.rpm").orElse(null);
    required(rpm, "the RPM");
    String listing = run(List.of("rpm", "-qlvp", rpm.toString()), Duration.ofMinutes(1));
    // rpm -qlv: mode, links, owner, group, size, date, path
    Map<String, String> expected = Map.of(
        "/etc/tandem", "drwx------ root root",
        "/var/lib/tandem", "drwx------ root root",
        "/usr/lib/tandem/bin/tandem", "-rwxr-xr-x root root",
        "/usr/lib/tandem/runtime/bin/java", "-rwxr-xr-x root root",
        "/usr/lib/systemd/system/tandem.service", "-rw-r--r-- root root",
        "/usr/lib/systemd/system/tandem-witness.service", "-rw-r--r-- root root",
        "/usr/bin/tandem", "lrwxrwxrwx root root",
        "/usr/share/doc/tandem/README.md", "-rw-r--r-- root root",
        "/usr/lib/tandem/drbd-split-brain-handler", "-rwxr-xr-x root root");
    for (var e : expected.entrySet()) {
      String line = listing.lines().filter(l -> l.endsWith(" " + e.getKey()) || l.contains(" " + e.getKey() + " -> "))
          .findFirst().orElseGet(() -> fail(e.getKey() + " not in the RPM:\n" + listing.lines().limit(40).toList()));
      String[] f = line.trim().split("\\s+");
      assertEquals(e.getValue(), f[0] + " " + f[2] + " " + f[3], line);
    }
    assertFalse(listing.contains("/etc/tandem/tandem.conf"), "no configuration shipped: an upgrade never touches it");
    String scripts = run(List.of("rpm", "-qp", "--scripts", rpm.toString()), Duration.ofMinutes(1));
    assertFalse(scripts.contains("enable --now tandem") || scripts.contains("systemctl start"),
        "installed, not started: HA starts disabled\n" + scripts);
  }

  @Test
  void installAndUninstallAreIdempotentAndKeepConfigurationAndJournal(@TempDir Path root) throws Exception {
    String install = app().resolve("install").toString();
    String uninstall = app().resolve("uninstall").toString();
    run(List.of(install, "--root", root.toString()), Duration.ofMinutes(2));
    Files.writeString(root.resolve("etc/tandem/tandem.conf"), "# the operator's\n");
    Files.createDirectories(root.resolve("var/lib/tandem/journal"));
    Files.writeString(root.resolve("var/lib/tandem/journal/segment-1"), "journal\n");
    String again = run(List.of(install, "--root", root.toString()), Duration.ofMinutes(2));   // an upgrade, or a rerun
    assertTrue(again.contains("not enabled or started"), again);
    assertEquals("# the operator's\n", Files.readString(root.resolve("etc/tandem/tandem.conf")));
    assertEquals("journal\n", Files.readString(root.resolve("var/lib/tandem/journal/segment-1")));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("etc/tandem"))));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("var/lib/tandem"))));
    assertTrue(Files.isExecutable(root.resolve("usr/bin/tandem")), "the command, through its link");
    assertEquals(Path.of("../lib/tandem/bin/tandem"), Files.readSymbolicLink(root.resolve("usr/bin/tandem")));
    assertTrue(Files.isRegularFile(root.resolve("etc/systemd/system/tandem.service")));
    assertFalse(Files.exists(root.resolve("usr/lib/tandem.old")) || Files.exists(root.resolve("usr/lib/tandem.new")));
    String usage = run(List.of(root.resolve("usr/bin/tandem").toString(), "--help"), Duration.ofMinutes(1));
    assertTrue(usage.contains("usage: tandem node"), usage);

    for (int i = 0; i < 2; i++) {
      String out = run(List.of(uninstall, "--root", root.toString()), Duration.ofMinutes(1));
      assertTrue(out.contains("kept"), out);
      assertFalse(Files.exists(root.resolve("usr/lib/tandem")) || Files.exists(root.resolve("usr/bin/tandem"))
          || Files.exists(root.resolve("etc/systemd/system/tandem.service")));
      assertEquals("# the operator's\n", Files.readString(root.resolve("etc/tandem/tandem.conf")));
    }
    run(List.of(uninstall, "--root", root.toString(), "--purge"), Duration.ofMinutes(1));
    assertFalse(Files.exists(root.resolve("etc/tandem")) || Files.exists(root.resolve("var/lib/tandem")));
  }

  /** The XAPI password as an operator keeps it: alone in a 0600 file. */
  private static Path secret(Path dir) throws IOException {
    Path file = dir.resolve("xapi.pass");
    Files.writeString(file, PASSWORD + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  private static Path app() throws IOException {
    try (Stream<Path> s = Files.list(unpacked)) {
      return s.filter(p -> p.getFileName().toString().startsWith("tandem-")).findFirst().orElseThrow();
    }
  }

  private static Optional<Path> newest(String suffix) throws IOException {
    if (!Files.isDirectory(DIST)) return Optional.empty();
    try (Stream<Path> s = Files.list(DIST)) {
      return s.filter(p -> p.getFileName().toString().endsWith(suffix))
          .max((a, b) -> Long.compare(a.toFile().lastModified(), b.toFile().lastModified()));
    }
  }

  /** Missing: a failure when ops/test asked for the package (it ran ops/package), else a skip. */
  private static void required(Path file, String what) {
    if (file != null) return;
    if (Boolean.getBoolean("tandem.package.required")) fail("ops/package made no " + what + " in " + DIST.toAbsolutePath());
    Assumptions.abort("no " + what + " in dist/: run ops/package first (ops/test does)");
  }

  private static String run(List<String> command, Duration limit) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(command + " did not end within " + limit);
    }
    assertEquals(0, p.exitValue(), command + " failed:\n" + out);
    return out;
  }
}
