package org.tandemha.controller.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Adapter;
import akka.persistence.JournalProtocol;
import akka.persistence.Persistence;
import akka.persistence.query.EventEnvelope;
import akka.persistence.query.NoOffset;
import akka.persistence.query.Offset;
import akka.persistence.query.PersistenceQuery;
import akka.stream.javadsl.Sink;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue #6 item 3: Persistence Query over the journal file — current and live, by persistence id and by tag. */
class FileReadJournalTest {
  @TempDir
  Path tmp;

  @Test
  void currentAndLiveQueriesSeeWhatTheJournalAcknowledged() throws Exception {
    Path dir = tmp.resolve("j");
    ActorTestKit kit = ActorTestKit.create("FileReadJournalTest", ConfigFactory.parseString("""
        tandem.journal.query {
          class = "org.tandemha.controller.journal.FileReadJournalProvider"
          dir = "%s"
          refresh-interval = 50ms
        }
        """.formatted(dir.toAbsolutePath().toString().replace("\\", "/"))).withFallback(FileJournalTest.config(dir)));
    try {
      FileJournalTest.write3(kit);
      FileReadJournal q = PersistenceQuery.get(Adapter.toClassic(kit.system()))
          .getReadJournalFor(FileReadJournal.class, FileReadJournalProvider.ID);

      List<EventEnvelope> current = await(q.currentEventsByPersistenceId("Host|abc", 0, Long.MAX_VALUE)
          .runWith(Sink.seq(), kit.system()));
      assertEquals(List.of(1L, 2L, 3L), current.stream().map(EventEnvelope::sequenceNr).toList());
      assertInstanceOf(TestEntity.HostAdded.class, current.get(0).event());
      assertEquals("h1", ((TestEntity.HostAdded) current.get(0).event()).host());
      assertInstanceOf(TestEntity.HostRemoved.class, current.get(2).event());

      CompletionStage<List<EventEnvelope>> live = q.eventsByPersistenceId("Host|abc", 0, Long.MAX_VALUE).take(4)
          .runWith(Sink.seq(), kit.system());
      CompletionStage<List<EventEnvelope>> tagged = q.eventsByTag("ha-event", NoOffset.getInstance()).take(4)
          .runWith(Sink.seq(), kit.system());
      Thread.sleep(200);
      // A fourth event, written while both live streams run.
      TestProbe<String> life = kit.createTestProbe();
      ActorRef<TestEntity.Command> ref = FileJournalTest.spawn(kit, life, "recovered:3");
      TestProbe<Done> done = kit.createTestProbe();
      ref.tell(new TestEntity.Add("h4", 4, done.ref()));
      done.expectMessage(Duration.ofSeconds(15), Done.getInstance());
      assertEquals(List.of(1L, 2L, 3L, 4L), await(live).stream().map(EventEnvelope::sequenceNr).toList());
      List<EventEnvelope> byTag = await(tagged);
      assertEquals(4, byTag.size());
      assertEquals(Offset.sequence(JournalReader.SEGMENT_STRIDE + 4), byTag.get(3).offset(),
          "the offset is the record's position: segment 1 (the active file), line 4");

      List<EventEnvelope> afterTwo = await(q.currentEventsByTag("ha-event", byTag.get(1).offset())
          .runWith(Sink.seq(), kit.system()));
      assertEquals(List.of(3L, 4L), afterTwo.stream().map(EventEnvelope::sequenceNr).toList());

      // Deleted events are never delivered.
      TestProbe<Object> probe = kit.createTestProbe();
      akka.actor.ActorRef journal = Persistence.get(Adapter.toClassic(kit.system())).journalFor(null, ConfigFactory.empty());
      journal.tell(new JournalProtocol.DeleteMessagesTo("Host|abc", 2L, Adapter.toClassic(probe.ref())),
          akka.actor.ActorRef.noSender());
      probe.receiveMessage(Duration.ofSeconds(15));
      List<EventEnvelope> kept = await(q.currentEventsByPersistenceId("Host|abc", 0, Long.MAX_VALUE)
          .runWith(Sink.seq(), kit.system()));
      assertEquals(List.of(3L, 4L), kept.stream().map(EventEnvelope::sequenceNr).toList());
    } finally {
      kit.shutdownTestKit();
    }
  }

  private static <T> T await(CompletionStage<T> s) throws Exception {
    return s.toCompletableFuture().get(15, TimeUnit.SECONDS);
  }
}
