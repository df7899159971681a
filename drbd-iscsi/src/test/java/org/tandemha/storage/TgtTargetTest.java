package org.tandemha.storage;

import org.tandemha.storage.lab.Netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemha.actors.port.BoundedRun;

/**
 * Issue #8 item 3 with the real {@code tgtd} in a namespace and the real libiscsi initiator: the target comes up
 * with its LUN and fixed SCSI identity, starting it again changes nothing, a graceful stop ends tgtd, and a tgtd
 * that no longer answers (stopped with SIGSTOP) is killed at the stop's bound.
 */
class TgtTargetTest {
  static final String IQN = "iqn.2026-11.org.tandemha.test:iscsi1";

  @TempDir
  Path tmp;

  static int controlPort() { return 200 + (int) (ProcessHandle.current().pid() % 700); }

  TgtTarget target(String ns, Path lun) {
    return new TgtTarget(Netns.in(ns), TgtTarget.Mode.DIRECT, controlPort(), "tgt", Optional.of("10.77.0.1"),
        List.of(new TgtTarget.Target(1, IQN, List.of(new TgtTarget.Lun(1, lun.toString(), "tandem-iscsi1-lun1",
            "TND0001")), "ALL")), tmp.resolve("tgtd.pid"), Duration.ofSeconds(3));
  }

  static BoundedRun.Result inquiry(String ns) {
    return BoundedRun.run(List.of("ip", "netns", "exec", ns, "iscsi-inq", "-i", "iqn.2026-11.org.tandemha.test:client",
        "iscsi://10.77.0.1/" + IQN + "/1"), Map.of(), "", Duration.ofSeconds(10), false);
  }

  @Test
  void startServeStopAndKillAHungTgtd() throws Exception {
    for (String tool : List.of("/usr/sbin/tgtd", "/usr/sbin/tgtadm", "/usr/bin/iscsi-inq")) {
      if (!Files.isExecutable(Path.of(tool))) fail("needs " + tool + " (tgt, libiscsi-bin; .ci/run installs them)");
    }
    Path lun = tmp.resolve("lun1.img");
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(lun.toFile(), "rw")) {
      f.setLength(16 * 1024 * 1024);
    }
    try (Netns n = LabTests.netns()) {
      String host = n.add("tgt");
      String client = n.add("cli");
      n.link(host, "10.77.0.1", client, "10.77.0.10");
      TgtTarget t = target(host, lun);
      try {
        assertFalse(t.running());
        t.start();
        assertTrue(t.running());
        BoundedRun.Result inq = inquiry(client);
        assertEquals(0, inq.exit(), inq.output() + inq.errors());
        assertTrue(inq.output().contains("DIRECT_ACCESS"), inq.output());
        t.start();   // idempotent
        assertTrue(t.running());
        long pid = Long.parseLong(Files.readString(tmp.resolve("tgtd.pid")).strip());

        t.stop();
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "tgtd ended");
        assertFalse(t.running());
        assertTrue(inquiry(client).exit() != 0, "nothing serves any more");

        t.start();
        long pid2 = Long.parseLong(Files.readString(tmp.resolve("tgtd.pid")).strip());
        Netns.run("kill", "-STOP", String.valueOf(pid2));   // a tgtd that answers nothing
        long t0 = System.nanoTime();
        t.stop();
        assertFalse(ProcessHandle.of(pid2).map(ProcessHandle::isAlive).orElse(false), "killed at the bound");
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 60_000, "bounded");
      } finally {
        Optional.ofNullable(tmp.resolve("tgtd.pid")).filter(Files::exists).ifPresent(p -> {
          try {
            Netns.run("kill", "-KILL", Files.readString(p).strip());
          } catch (Throwable ignored) {
            // already gone
          }
        });
        for (String suffix : List.of("", ".lock")) {
          Files.deleteIfExists(Path.of("/var/run/tgtd/socket." + controlPort() + suffix));
        }
      }
    }
  }
}
