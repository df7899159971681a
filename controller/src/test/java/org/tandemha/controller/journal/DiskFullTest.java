package org.tandemha.controller.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.javadsl.Adapter;
import akka.persistence.AtomicWrite;
import akka.persistence.JournalProtocol;
import akka.persistence.Persistence;
import akka.persistence.PersistentEnvelope;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #6: the journal's disk fills up. A write that cannot be made durable fails (the persisting actor is told;
 * nothing acknowledged, so nothing is acted on), the file keeps only acknowledged records, and once space returns
 * the next write succeeds without a restart. A disk read-only at start: the journal refuses every write, naming
 * its file; started again once the disk is writable, it writes.
 * A real filesystem: a 64 KiB tmpfs mounted for the test (needs root, as the node in dom0 has; skipped otherwise).
 */
class DiskFullTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String PID = "Full|1";

  @TempDir
  Path tmp;

  @Test
  void aFullOrReadOnlyDiskFailsWritesCleanlyAndWritingResumesWhenItIsBack() throws Exception {
    Path mnt = tmp.resolve("mnt");
    Files.createDirectories(mnt);
    assumeTrue(sh("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mnt.toString()) == 0,
        "needs root to mount a small tmpfs");
    try {
      Path dir = mnt.resolve("journal");
      ActorTestKit kit = ActorTestKit.create("DiskFullTest", FileJournalTest.config(dir));
      try {
        akka.actor.ActorRef journal = Persistence.get(Adapter.toClassic(kit.system())).journalFor(null, ConfigFactory.empty());
        TestProbe<Object> probe = kit.createTestProbe();
        long seq = 0;
        assertTrue(write(journal, probe, ++seq) instanceof JournalProtocol.WriteMessageSuccess);
        // Fill the disk, leaving less than one record.
        Path filler = mnt.resolve("filler");
        Files.write(filler, new byte[0]);
        byte[] block = new byte[1024];
        try (var out = Files.newOutputStream(filler)) {
          while (true) out.write(block);
        } catch (java.io.IOException full) {
          // the disk is full now
        }
        // The journal file's last page may still take a few records; then a write must fail.
        Object failed = null;
        for (int i = 0; i < 40 && !(failed instanceof JournalProtocol.WriteMessageFailure); i++) {
          failed = write(journal, probe, ++seq);
        }
        assertInstanceOf(JournalProtocol.WriteMessageFailure.class, failed, "a write the disk cannot hold fails");
        String why = ((JournalProtocol.WriteMessageFailure) failed).cause().toString();
        assertTrue(why.toLowerCase().contains("space"), why);
        JournalReader.Contents c = JournalReader.read(dir.resolve(FileJournal.FILE_NAME));
        assertEquals(seq - 1, c.events().size(), "only the acknowledged records are in the file");
        assertTrue(c.damaged().isEmpty());

        Files.delete(filler);   // space returns
        assertInstanceOf(JournalProtocol.WriteMessageSuccess.class, write(journal, probe, seq));

        c = JournalReader.read(dir.resolve(FileJournal.FILE_NAME));
        List<Long> expected = java.util.stream.LongStream.rangeClosed(1, seq).boxed().toList();
        assertEquals(expected, c.events().stream().map(JournalReader.Event::seq).toList());
        assertTrue(c.damaged().isEmpty());
      } finally {
        kit.shutdownTestKit();
      }
      // A read-only disk at start: the journal refuses, naming the file; once writable, a new start writes again.
      assertEquals(0, sh("mount", "-o", "remount,ro", mnt.toString()));
      ActorTestKit ro = ActorTestKit.create("DiskFullTestRo", FileJournalTest.config(dir));
      try {
        akka.actor.ActorRef journal = Persistence.get(Adapter.toClassic(ro.system())).journalFor(null, ConfigFactory.empty());
        Object refused = write(journal, ro.createTestProbe(), 99);
        assertInstanceOf(JournalProtocol.WriteMessageFailure.class, refused);
        String why = ((JournalProtocol.WriteMessageFailure) refused).cause().toString();
        assertTrue(why.contains(dir.toString()) || why.contains("Read-only"), why);
      } finally {
        ro.shutdownTestKit();
      }
      assertEquals(0, sh("mount", "-o", "remount,rw", mnt.toString()));
      ActorTestKit rw = ActorTestKit.create("DiskFullTestRw", FileJournalTest.config(dir));
      try {
        akka.actor.ActorRef journal = Persistence.get(Adapter.toClassic(rw.system())).journalFor(null, ConfigFactory.empty());
        long next = JournalReader.read(dir.resolve(FileJournal.FILE_NAME)).events().size() + 1;
        assertInstanceOf(JournalProtocol.WriteMessageSuccess.class, write(journal, rw.createTestProbe(), next));
      } finally {
        rw.shutdownTestKit();
      }
    } finally {
      sh("umount", "-l", mnt.toString());
    }
  }

  /** One single-event write; returns the per-message outcome (success, failure). */
  private static Object write(akka.actor.ActorRef journal, TestProbe<Object> probe, long seq) {
    AtomicWrite w = AtomicWrite.apply(FileJournalTest.repr("decision-" + seq + " ".repeat(200), seq, PID));
    journal.tell(new JournalProtocol.WriteMessages(FileJournalTest.scalaList((PersistentEnvelope) w),
        Adapter.toClassic(probe.ref()), 1), akka.actor.ActorRef.noSender());
    Object batch = probe.receiveMessage(WAIT);
    if (batch instanceof JournalProtocol.WriteMessagesFailed) return probe.receiveMessage(WAIT);
    return probe.receiveMessage(WAIT);
  }

  private static int sh(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
  }
}
