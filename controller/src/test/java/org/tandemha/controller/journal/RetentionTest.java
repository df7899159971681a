package org.tandemha.controller.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.javadsl.Adapter;
import akka.persistence.AtomicWrite;
import akka.persistence.JournalProtocol;
import akka.persistence.Persistence;
import akka.persistence.PersistentEnvelope;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #6 item 5: the active file is closed into numbered segments by size and age; old segments expire by age and
 * total size — but never while recovery still needs their events (no two snapshots cover them, not deleted), and a
 * persistence id whose events all expired keeps its highest sequence number across a restart.
 */
class RetentionTest {
  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir
  Path tmp;

  static Config config(Path dir, String extra) {
    return ConfigFactory.parseString("tandem.journal {\n" + extra + "\n}\n"
        + "akka.persistence.snapshot-store.plugin = \"tandem.snapshot-store\"\n"
        + "tandem.snapshot-store { class = \"org.tandemha.controller.journal.FileSnapshotStore\", dir = \""
        + dir.resolve("snapshots").toAbsolutePath().toString().replace("\\", "/") + "\" }")
        .withFallback(FileJournalTest.config(dir));
  }

  static void withJournal(Path dir, String extra, Consumer<Journal> body) {
    ActorTestKit kit = ActorTestKit.create("RetentionTest", config(dir, extra));
    try {
      body.accept(new Journal(kit));
    } finally {
      kit.shutdownTestKit();
    }
  }

  /** The journal plugin, driven through its protocol. */
  record Journal(ActorTestKit kit) {
    akka.actor.ActorRef ref() {
      return Persistence.get(Adapter.toClassic(kit.system())).journalFor(null, ConfigFactory.empty());
    }

    void write(String pid, long seq) {
      TestProbe<Object> p = kit.createTestProbe();
      AtomicWrite w = AtomicWrite.apply(FileJournalTest.repr("event " + seq + " of " + pid + " " + "x".repeat(200), seq, pid));
      ref().tell(new JournalProtocol.WriteMessages(FileJournalTest.scalaList((PersistentEnvelope) w),
          Adapter.toClassic(p.ref()), 1), akka.actor.ActorRef.noSender());
      assertEquals(JournalProtocol.WriteMessagesSuccessful$.MODULE$, p.receiveMessage(WAIT));
      p.receiveMessage(WAIT);
    }

    /** Saves a snapshot at {@code seq} through the real snapshot store, as an event-sourced actor would. */
    void snapshot(String pid, long seq) {
      TestProbe<Object> p = kit.createTestProbe();
      Persistence.get(Adapter.toClassic(kit.system())).snapshotStoreFor(null, ConfigFactory.empty()).tell(
          new akka.persistence.SnapshotProtocol.SaveSnapshot(akka.persistence.SnapshotMetadata.apply(pid, seq,
              System.currentTimeMillis()), "state at " + seq), Adapter.toClassic(p.ref()));
      assertTrue(p.receiveMessage(WAIT) instanceof akka.persistence.SaveSnapshotSuccess);
    }

    void deleteTo(String pid, long seq) {
      TestProbe<Object> p = kit.createTestProbe();
      ref().tell(new JournalProtocol.DeleteMessagesTo(pid, seq, Adapter.toClassic(p.ref())), akka.actor.ActorRef.noSender());
      p.receiveMessage(WAIT);
    }

    /** The sequence numbers replayed from {@code from}, and the highest sequence number recovery reports. */
    List<Long> replay(String pid, long from) {
      TestProbe<Object> p = kit.createTestProbe();
      ref().tell(new JournalProtocol.ReplayMessages(from, Long.MAX_VALUE, Long.MAX_VALUE, pid, Adapter.toClassic(p.ref())),
          akka.actor.ActorRef.noSender());
      List<Long> out = new ArrayList<>();
      while (true) {
        Object m = p.receiveMessage(WAIT);
        if (m instanceof JournalProtocol.ReplayedMessage r) {
          out.add(r.persistent().sequenceNr());
        } else {
          out.add(-((JournalProtocol.RecoverySuccess) m).highestSequenceNr());   // negative: the highest, last
          return out;
        }
      }
    }
  }

  static List<Path> segments(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().matches("events-\\d{6}\\.jsonl")).sorted().toList();
    }
  }

  @Test
  void segmentsRotateBySizeAndExpireOnlyWhenRecoveryNoLongerNeedsThem() throws Exception {
    Path dir = tmp.resolve("j");
    String small = "segment-size = 4 KiB\nretention-size = 8 KiB";
    withJournal(dir, small, j -> {
      for (long i = 1; i <= 5; i++) j.write("Gone|b", i);
      j.deleteTo("Gone|b", 5);   // all of B's events are deleted: not needed by its recovery
      for (long i = 1; i <= 100; i++) j.write("Ha|a", i);
      // No snapshot of A yet: every segment holds events A's recovery needs; none may go.
      assertEquals(List.of(1L, 2L, 3L), j.replay("Ha|a", 1).subList(0, 3));
      assertEquals(101, j.replay("Ha|a", 1).size());
    });
    List<Path> before = segments(dir);
    assertTrue(before.size() >= 5, "rotated by size: " + before);
    assertEquals(Path.of("events-000001.jsonl"), before.get(0).getFileName());

    // Two snapshots of A at 60 and 80: events up to 60 are no longer needed (the newest may be damaged).
    withJournal(dir, small, j -> {
      j.snapshot("Ha|a", 60);
      j.snapshot("Ha|a", 80);
      for (long i = 101; i <= 130; i++) j.write("Ha|a", i);
      List<Long> replayed = j.replay("Ha|a", 61);
      assertEquals(61L, replayed.get(0), "events after the covering snapshot are all there");
      assertEquals(-130L, replayed.get(replayed.size() - 1));
      assertEquals(71, replayed.size());
    });
    List<Path> after = segments(dir);
    assertFalse(after.contains(before.get(0)), "the oldest segment expired: " + after);
    assertTrue(after.size() < before.size() + 3, "segments expire as new ones close: " + before + " -> " + after);

    // After a restart: A replays from its snapshot, and B — whose events all expired — keeps its highest number.
    withJournal(dir, small, j -> {
      assertEquals(-130L, (long) j.replay("Ha|a", 61).get(70));
      assertEquals(List.of(-5L), j.replay("Gone|b", 1));
    });

    // tandem events reads the closed segments and the active file in order.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int rc = EventsCommand.run(List.of("--dir", dir.toString(), "--json"), new PrintStream(out, true),
        new PrintStream(new ByteArrayOutputStream(), true), java.time.Instant::now, () -> true);
    assertEquals(0, rc);
    List<Long> seqs = new ArrayList<>();
    for (String l : out.toString(StandardCharsets.UTF_8).lines().toList()) {
      var n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(l);
      if (n.get("pid").asText().equals("Ha|a")) seqs.add(n.get("seq").asLong());
    }
    assertEquals(130L, seqs.get(seqs.size() - 1));
    for (int i = 1; i < seqs.size(); i++) assertEquals(seqs.get(i - 1) + 1, seqs.get(i), "in order, no gap");
  }

  @Test
  void theActiveFileIsClosedWhenItsOldestRecordIsOlderThanTheSegmentAge() throws Exception {
    Path dir = tmp.resolve("j");
    withJournal(dir, "segment-age = 1s", j -> {
      j.write("Ha|a", 1);
      try {
        Thread.sleep(1200);
      } catch (InterruptedException e) {
        throw new RuntimeException(e);
      }
      j.write("Ha|a", 2);
    });
    assertEquals(1, segments(dir).size(), "closed by age after the second write");
    withJournal(dir, "segment-age = 1s", j -> assertEquals(List.of(1L, 2L, -2L), j.replay("Ha|a", 1)));
  }
}
