package org.tandemha.storage.lab;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tandemha.actors.port.BoundedRun;
import org.tandemha.storage.Commands;

/**
 * Network namespaces for the storage lab and tests (realpeers.md §1): named with this JVM's pid so runs never meet,
 * only 10.77.0.0/24 addresses on veths inside them, nothing added to the root namespace, all removed by
 * {@link #close}. Needs root and iproute2.
 */
public final class Netns implements AutoCloseable {
  /** The lab cannot run here; the message says why (not root, a tool missing). */
  public static final class Unavailable extends RuntimeException {
    public Unavailable(String message) { super(message); }
  }

  private final String tag = "tnd" + ProcessHandle.current().pid() % 100000;
  private final List<String> made = new ArrayList<>();

  /** @throws Unavailable not root, or ip/arping missing */
  public static Netns open() {
    if (!"root".equals(System.getProperty("user.name"))) throw new Unavailable("network namespaces need root");
    for (String tool : List.of("/usr/sbin/ip", "/usr/bin/arping")) {
      if (!java.nio.file.Files.isExecutable(java.nio.file.Path.of(tool))) {
        throw new Unavailable("needs " + tool + " (iproute2, iputils-arping; .ci/run installs them)");
      }
    }
    return new Netns();
  }

  /** A namespace with loopback up; its name. */
  public String add(String name) {
    String ns = tag + name;
    run("ip", "netns", "add", ns);
    made.add(ns);
    run("ip", "-n", ns, "link", "set", "lo", "up");
    return ns;
  }

  /** A veth between two namespaces, {@code eth0} in each, with the given addresses (/24), up. */
  public void link(String nsA, String ipA, String nsB, String ipB) {
    run("ip", "-n", nsA, "link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", nsB);
    run("ip", "-n", nsA, "addr", "add", ipA + "/24", "dev", "eth0");
    run("ip", "-n", nsB, "addr", "add", ipB + "/24", "dev", "eth0");
    run("ip", "-n", nsA, "link", "set", "eth0", "up");
    run("ip", "-n", nsB, "link", "set", "eth0", "up");
  }

  /**
   * A switch: a bridge in its own namespace {@code sw}, and each member namespace's {@code eth0} plugged into it with
   * its address (/24) — hostA, hostB and a client on one segment, as realpeers.md §1 sets them up.
   */
  public void star(String sw, java.util.Map<String, String> members) {
    run("ip", "-n", sw, "link", "add", "br0", "type", "bridge");
    run("ip", "-n", sw, "link", "set", "br0", "type", "bridge", "stp_state", "0", "forward_delay", "0");
    run("ip", "-n", sw, "link", "set", "br0", "up");
    int i = 0;
    for (var m : members.entrySet()) {
      String port = "p" + (i++);
      run("ip", "-n", sw, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", m.getKey());
      run("ip", "-n", sw, "link", "set", port, "master", "br0");
      run("ip", "-n", sw, "link", "set", port, "up");
      run("ip", "-n", m.getKey(), "addr", "add", m.getValue() + "/24", "dev", "eth0");
      run("ip", "-n", m.getKey(), "link", "set", "eth0", "up");
    }
  }

  /** Commands run inside the namespace. */
  public static Commands in(String ns) {
    return new Commands(List.of("ip", "netns", "exec", ns), Map.of(), Duration.ofSeconds(10));
  }

  /** Runs a command in the root namespace (ip -n …, kill); a failure is an IllegalStateException naming it. */
  public static String run(String... argv) {
    BoundedRun.Result r = BoundedRun.run(List.of(argv), Map.of(), "", Duration.ofSeconds(10));
    if (r.exit() != 0) throw new IllegalStateException(String.join(" ", argv) + ": " + r.describe());
    return r.output();
  }

  @Override public void close() {
    for (String ns : made) BoundedRun.run(List.of("ip", "netns", "del", ns), Map.of(), "", Duration.ofSeconds(10));
  }
}
