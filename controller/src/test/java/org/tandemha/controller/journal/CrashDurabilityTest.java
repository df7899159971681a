package org.tandemha.controller.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #6 "crash durability": a child JVM appends events as fast as the journal acknowledges them and reports
 * each acknowledgement; it is killed with SIGKILL at a random moment, 50 times. After every kill the journal
 * recovers, and every acknowledged event is there, in order, across every segment the active file was closed
 * into on the way: zero lost, zero duplicated.
 */
class CrashDurabilityTest {
  @TempDir
  Path dir;

  @Test
  void everyAcknowledgedEventSurvivesFiftyKills() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Random random = new Random(20261129L);
    long acked = 0;
    int kills = 0;
    for (int round = 0; round < 50; round++) {
      Process child = new ProcessBuilder(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", cp,
          JournalCrashChild.class.getName(), dir.toString(), "64KiB")
          .redirectError(dir.resolveSibling(dir.getFileName() + "-child.err").toFile()).start();
      AtomicLong lastAck = new AtomicLong(-1);
      AtomicLong started = new AtomicLong(-1);
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
          for (String l; (l = r.readLine()) != null; ) {
            if (l.startsWith("start ")) started.set(Long.parseLong(l.substring(6)));
            if (l.startsWith("ack ")) lastAck.set(Long.parseLong(l.substring(4)));
          }
        } catch (Exception ignored) {
          // the child was killed
        }
      });
      reader.start();
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (started.get() < 0 && child.isAlive() && System.nanoTime() < until) Thread.sleep(5);
      assertTrue(started.get() >= 0, "round " + round + ": the child did not recover the journal");
      assertTrue(started.get() >= acked, "round " + round + ": recovered up to " + started.get() + " but " + acked
          + " were acknowledged before the kill");
      Thread.sleep(50 + random.nextInt(400));   // kill it mid-stream, at a random moment
      child.destroyForcibly();                   // SIGKILL
      child.waitFor(10, TimeUnit.SECONDS);
      reader.join(5000);
      kills++;
      acked = Math.max(acked, lastAck.get());
    }
    // The child closes its active file into a segment every 64 KiB (a few hundred events), so kills also land
    // in rotations: what is stored is every segment in order, then the active file.
    List<Long> seqs = new ArrayList<>();
    List<Path> files = JournalReader.segments(dir);
    for (Path f : files) {
      JournalReader.Contents c = JournalReader.read(f);
      assertEquals(List.of(), c.damaged(), f + ": a recovered journal has no damaged line");
      c.events().forEach(e -> seqs.add(e.seq()));
    }
    System.out.println("crash durability: " + kills + " kills, " + acked + " acknowledged, " + seqs.size()
        + " stored in " + files.size() + " file(s)");
    assertEquals(50, kills);
    assertTrue(files.size() > 2, "the active file was closed into segments along the way: " + files);
    assertTrue(acked > 50, "the child made progress: " + acked + " acknowledged");
    assertTrue(seqs.size() >= acked, seqs.size() + " stored, " + acked + " acknowledged");
    for (int i = 0; i < seqs.size(); i++) assertEquals(i + 1, seqs.get(i), "in order, no gap, no duplicate");
    try (var listing = Files.list(dir)) {
      listing.filter(p -> p.toString().endsWith(".corrupt")).forEach(p -> System.out.println("torn tail quarantined: " + p));
    }
  }
}
