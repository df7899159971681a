package org.tandemha.storage;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.tandemha.actors.port.BoundedRun;

/**
 * Network namespaces for the storage tests (realpeers.md §1): named with this JVM's pid so runs never meet, only
 * 10.77.0.0/24 addresses on veths inside them, nothing added to the root namespace, all removed by {@link #close}.
 */
final class Netns implements AutoCloseable {
  private final String tag = "tnd" + ProcessHandle.current().pid() % 100000;
  private final List<String> made = new ArrayList<>();

  static Netns open() {
    boolean root = "root".equals(System.getProperty("user.name"));
    Assumptions.assumeTrue(root, "!!! SKIPPED: the namespace tests need root (CI runs as root)");
    for (String tool : List.of("/usr/sbin/ip", "/usr/bin/arping")) {
      if (!java.nio.file.Files.isExecutable(java.nio.file.Path.of(tool))) {
        fail("needs " + tool + " (iproute2, iputils-arping; .ci/run installs them)");
      }
    }
    return new Netns();
  }

  /** A namespace with loopback up; its name. */
  String add(String name) {
    String ns = tag + name;
    run("ip", "netns", "add", ns);
    made.add(ns);
    run("ip", "-n", ns, "link", "set", "lo", "up");
    return ns;
  }

  /** A veth between two namespaces, {@code eth0} in each, with the given addresses (/24), up. */
  void link(String nsA, String ipA, String nsB, String ipB) {
    run("ip", "-n", nsA, "link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", nsB);
    run("ip", "-n", nsA, "addr", "add", ipA + "/24", "dev", "eth0");
    run("ip", "-n", nsB, "addr", "add", ipB + "/24", "dev", "eth0");
    run("ip", "-n", nsA, "link", "set", "eth0", "up");
    run("ip", "-n", nsB, "link", "set", "eth0", "up");
  }

  /** Commands run inside the namespace. */
  static Commands in(String ns) {
    return new Commands(List.of("ip", "netns", "exec", ns), Map.of(), Duration.ofSeconds(10));
  }

  static String run(String... argv) {
    BoundedRun.Result r = BoundedRun.run(List.of(argv), Map.of(), "", Duration.ofSeconds(10));
    if (r.exit() != 0) fail(String.join(" ", argv) + ": " + r.describe());
    return r.output();
  }

  @Override public void close() {
    for (String ns : made) BoundedRun.run(List.of("ip", "netns", "del", ns), Map.of(), "", Duration.ofSeconds(10));
  }
}
