package org.tandemha.controller.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.javadsl.Adapter;
import akka.persistence.JournalProtocol;
import akka.persistence.Persistence;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #6 "torn tail": the last record of a journal is cut at every byte offset, and (separately) has each of
 * its bytes flipped; every time the journal recovers cleanly — the two good records replay, the damaged bytes are
 * moved to a {@code .corrupt} file (reported) — and {@code tandem events} shows the two records and names the
 * damage instead of skipping it silently. One actor system; one journal plugin instance per case.
 */
class TornTailTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String PID = "Host|abc";

  @TempDir
  Path tmp;

  @Test
  void everyTruncationAndEveryFlippedByteOfTheLastRecordRecoversCleanly() throws Exception {
    Path seed = tmp.resolve("seed");
    FileJournalTest.withSystem(seed, FileJournalTest::write3);
    byte[] good = Files.readAllBytes(seed.resolve(FileJournal.FILE_NAME));
    int lastStart = lastLineStart(good);
    int n = 0;
    ActorTestKit kit = ActorTestKit.create("TornTailTest", FileJournalTest.config(tmp.resolve("unused")));
    try {
      // Cut inside the last record: every length from one byte to "all but the newline".
      for (int cut = lastStart + 1; cut < good.length; cut++) {
        byte[] damaged = Arrays.copyOf(good, cut);
        recoverAndCheck(kit, "cut-" + cut, damaged, Arrays.copyOfRange(good, lastStart, cut), lastStart);
        n++;
      }
      // Flip one bit of each byte of the last record (not its newline).
      for (int at = lastStart; at < good.length - 1; at++) {
        byte[] damaged = good.clone();
        damaged[at] ^= 0x01;
        recoverAndCheck(kit, "flip-" + at, damaged, Arrays.copyOfRange(damaged, lastStart, good.length), lastStart);
        n++;
      }
    } finally {
      kit.shutdownTestKit();
    }
    assertTrue(n > 200, "cases run: " + n);
  }

  private void recoverAndCheck(ActorTestKit kit, String name, byte[] file, byte[] damagedTail, int goodLength)
      throws Exception {
    Path dir = tmp.resolve(name);
    Files.createDirectories(dir);
    Files.write(dir.resolve(FileJournal.FILE_NAME), file);

    // What an operator sees before the node starts: two events, the damage named (unless still being written).
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    int rc = EventsCommand.run(List.of("--dir", dir.toString()), new java.io.PrintStream(out, true),
        new java.io.PrintStream(err, true), java.time.Instant::now, () -> true);
    assertEquals(2, out.toString().lines().count(), name + ": " + out);
    boolean complete = file[file.length - 1] == '\n';
    assertEquals(complete ? 1 : 0, rc, name + ": " + err);
    if (complete) assertTrue(err.toString().contains("line 3"), name + ": " + err);

    String id = "tandem.torn-" + name;
    akka.actor.ActorRef journal = Persistence.get(Adapter.toClassic(kit.system())).journalFor(id,
        ConfigFactory.parseString("""
            %s {
              class = "org.tandemha.controller.journal.FileJournal"
              dir = "%s"
              node = "node-a"
            }
            """.formatted(id, dir.toAbsolutePath().toString().replace("\\", "/"))));
    TestProbe<Object> probe = kit.createTestProbe();
    journal.tell(new JournalProtocol.ReplayMessages(1L, Long.MAX_VALUE, Long.MAX_VALUE, PID, Adapter.toClassic(probe.ref())),
        akka.actor.ActorRef.noSender());
    List<Object> got = new ArrayList<>();
    Object m;
    do {
      m = probe.receiveMessage(WAIT);
      got.add(m);
    } while (m instanceof JournalProtocol.ReplayedMessage);
    assertEquals(3, got.size(), name + ": " + got);
    assertEquals(new JournalProtocol.RecoverySuccess(2L), got.get(2), name);
    Adapter.toClassic(kit.system()).stop(journal);

    List<Path> corrupt;
    try (Stream<Path> s = Files.list(dir)) {
      corrupt = s.filter(p -> p.getFileName().toString().endsWith(".corrupt")).toList();
    }
    assertEquals(1, corrupt.size(), name + ": the damaged record is moved aside");
    assertArrayEquals(damagedTail, Files.readAllBytes(corrupt.get(0)), name);
    assertEquals(goodLength, Files.size(dir.resolve(FileJournal.FILE_NAME)), name + ": truncated to the good records");
  }

  private static int lastLineStart(byte[] b) {
    int i = b.length - 2;
    while (i >= 0 && b[i] != '\n') i--;
    return i + 1;
  }
}
