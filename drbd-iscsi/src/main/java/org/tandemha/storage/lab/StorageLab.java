package org.tandemha.storage.lab;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.tandemha.actors.port.BoundedRun;
import org.tandemha.storage.Commands;
import org.tandemha.storage.Drbd;
import org.tandemha.storage.FloatingIp;
import org.tandemha.storage.HostStorage;
import org.tandemha.storage.TgtTarget;

/**
 * A two-host storage lab (issue #8 tests and {@code ops/bench}'s storage_takeover): namespaces hostA, hostB and a
 * client on one bridge (10.77.0.1, .2, .10), the floating IP 10.77.0.100, real tgtd per host, the lab DRBD
 * ({@code fake-drbdadm}, DRBD 9's rules and status format on files, one resource), and the client's real libiscsi
 * initiator. A watcher records every moment two hosts held the floating IP or the resource Primary at once.
 */
public final class StorageLab implements AutoCloseable {
  public static final String VIP = "10.77.0.100";
  public static final String IQN = "iqn.2026-11.org.tandemha.lab:iscsi1";
  public static final String RESOURCE = "iscsi1";
  public static final List<String> HOSTS = List.of("hostA", "hostB");

  private final Netns netns;
  private final Path dir;
  private final Map<String, String> ns = new LinkedHashMap<>();
  private final Path drbdadm;
  private final Path lun;
  private final List<String> breaches = new CopyOnWriteArrayList<>();
  private final Thread watcher;
  private volatile boolean watching = true;

  /** @throws Netns.Unavailable not root, or a tool missing */
  public static StorageLab start(Path dir) throws IOException {
    for (String tool : List.of("/usr/sbin/tgtd", "/usr/sbin/tgtadm", "/usr/bin/iscsi-inq", "/usr/bin/flock")) {
      if (!Files.isExecutable(Path.of(tool))) {
        throw new Netns.Unavailable("needs " + tool + " (tgt, libiscsi-bin, util-linux; .ci/run installs them)");
      }
    }
    return new StorageLab(Netns.open(), dir);
  }

  private StorageLab(Netns netns, Path dir) throws IOException {
    this.netns = netns;
    this.dir = dir;
    Files.createDirectories(dir.resolve("drbd"));
    drbdadm = dir.resolve("fake-drbdadm");
    try (var in = StorageLab.class.getResourceAsStream("fake-drbdadm")) {
      Files.write(drbdadm, in.readAllBytes());
    }
    Files.setPosixFilePermissions(drbdadm, PosixFilePermissions.fromString("rwx------"));
    lun = dir.resolve("lun1.img");   // the replicated disk: both hosts serve the same bytes, as DRBD would
    try (RandomAccessFile f = new RandomAccessFile(lun.toFile(), "rw")) {
      f.setLength(16 * 1024 * 1024);
    }
    String sw = netns.add("sw");
    Map<String, String> members = new LinkedHashMap<>();
    for (String h : HOSTS) ns.put(h, netns.add(h.substring(4)));
    ns.put("client", netns.add("cli"));
    members.put(ns.get("hostA"), "10.77.0.1");
    members.put(ns.get("hostB"), "10.77.0.2");
    members.put(ns.get("client"), "10.77.0.10");
    netns.star(sw, members);
    watcher = new Thread(this::watch, "storage-lab-watcher");
    watcher.setDaemon(true);
    watcher.start();
  }

  public String namespace(String host) { return ns.get(host); }

  private static int controlPort(String host) {
    return 200 + (int) (ProcessHandle.current().pid() % 700) * 2 + HOSTS.indexOf(host);
  }

  /** The host's storage as a node would run it: its tools inside its namespace, the lab DRBD as its drbdadm. */
  public HostStorage storage(String host) {
    String peer = HOSTS.get(1 - HOSTS.indexOf(host));
    Commands c = new Commands(List.of("ip", "netns", "exec", ns.get(host)), Map.of("__DRBD_NODE__", host,
        "FAKE_DRBD_PEER", peer, "FAKE_DRBD_DIR", dir.resolve("drbd").toString()), Duration.ofSeconds(10));
    Drbd drbd = new Drbd(c, drbdadm.toString(), Optional.empty(), Drbd.Version.V9);
    TgtTarget target = new TgtTarget(c, TgtTarget.Mode.DIRECT, controlPort(host), "tgt", Optional.empty(),
        List.of(new TgtTarget.Target(1, IQN, List.of(new TgtTarget.Lun(1, lun.toString(), "tandem-lab-lun1", "TNDLAB1")),
            "ALL")), dir.resolve(host + "-tgtd.pid"), Duration.ofSeconds(3));
    return new HostStorage(drbd, List.of(RESOURCE), target, new FloatingIp(c, VIP, 24, "eth0"),
        dir.resolve(host + "-split-brain"));
  }

  /**
   * The host loses power: its tgtd dies (SIGKILL), its addresses and link go, its DRBD answers nobody. What it held
   * is gone with it, as on a real host.
   */
  public void powerOff(String host) throws IOException {
    Files.writeString(dir.resolve("drbd").resolve(host + ".down"), "");
    Path pid = dir.resolve(host + "-tgtd.pid");
    if (Files.exists(pid)) BoundedRun.run(List.of("kill", "-KILL", Files.readString(pid).strip()), Map.of(), "",
        Duration.ofSeconds(5));
    Netns.run("ip", "-n", ns.get(host), "link", "set", "eth0", "down");
    Netns.run("ip", "-n", ns.get(host), "addr", "flush", "dev", "eth0");
  }

  /** One INQUIRY from the client through the floating IP: did the LUN answer? */
  public boolean clientInquiry() {
    BoundedRun.Result r = BoundedRun.run(List.of("ip", "netns", "exec", ns.get("client"), "iscsi-inq", "-i",
        "iqn.2026-11.org.tandemha.lab:client", "iscsi://" + VIP + "/" + IQN + "/1"), Map.of(), "",
        Duration.ofSeconds(5), false);
    return r.exit() == 0 && r.output().contains("DIRECT_ACCESS");
  }

  /**
   * The client keeps trying, as an initiator does: a new INQUIRY every 50 ms, each on its own (one sent while
   * nobody holds the address waits out its TCP retransmission, and must not hold back the next); true at the first
   * that succeeds within {@code within}.
   */
  public boolean clientReaches(Duration within) throws InterruptedException {
    java.util.concurrent.ExecutorService tries = java.util.concurrent.Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "lab-client");
      t.setDaemon(true);
      return t;
    });
    java.util.concurrent.CompletableFuture<Boolean> first = new java.util.concurrent.CompletableFuture<>();
    try {
      long end = System.nanoTime() + within.toNanos();
      while (System.nanoTime() < end && !first.isDone()) {
        tries.submit(() -> {
          if (clientInquiry()) first.complete(true);
        });
        Thread.sleep(50);
      }
      try {
        return first.get(2, java.util.concurrent.TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
        return false;
      }
    } finally {
      tries.shutdownNow();
    }
  }

  /** Every moment two hosts held the floating IP or the resource Primary (a dead host holds nothing). */
  public List<String> breaches() { return List.copyOf(breaches); }

  private void watch() {
    while (watching) {
      List<String> ip = new ArrayList<>();
      List<String> primary = new ArrayList<>();
      for (String h : HOSTS) {
        if (Files.exists(dir.resolve("drbd").resolve(h + ".down"))) continue;
        BoundedRun.Result r = BoundedRun.run(List.of("ip", "-n", ns.get(h), "-o", "-4", "addr", "show"), Map.of(), "",
            Duration.ofSeconds(2));
        if (r.output().contains(" " + VIP + "/")) ip.add(h);
        try {
          Path role = dir.resolve("drbd").resolve(h).resolve(RESOURCE + ".role");
          if (Files.exists(role) && Files.readString(role).strip().equals("Primary")) primary.add(h);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      if (ip.size() > 1) breaches.add(java.time.Instant.now() + " floating IP on " + ip);
      if (primary.size() > 1) breaches.add(java.time.Instant.now() + " " + RESOURCE + " Primary on " + primary);
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override public void close() {
    watching = false;
    watcher.interrupt();
    for (String h : HOSTS) {
      try {
        Path pid = dir.resolve(h + "-tgtd.pid");
        if (Files.exists(pid)) BoundedRun.run(List.of("kill", "-KILL", Files.readString(pid).strip()), Map.of(), "",
            Duration.ofSeconds(5));
        for (String suffix : List.of("", ".lock")) Files.deleteIfExists(Path.of("/var/run/tgtd/socket." + controlPort(h) + suffix));
      } catch (IOException ignored) {
        // best effort: the namespaces go below
      }
    }
    netns.close();
  }
}
