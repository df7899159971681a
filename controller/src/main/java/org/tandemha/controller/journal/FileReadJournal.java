package org.tandemha.controller.journal;

import akka.NotUsed;
import akka.actor.ExtendedActorSystem;
import akka.persistence.query.EventEnvelope;
import akka.persistence.query.NoOffset;
import akka.persistence.query.Offset;
import akka.persistence.query.Sequence;
import akka.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import akka.persistence.query.javadsl.CurrentEventsByTagQuery;
import akka.persistence.query.javadsl.EventsByPersistenceIdQuery;
import akka.persistence.query.javadsl.EventsByTagQuery;
import akka.persistence.query.javadsl.ReadJournal;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.stream.javadsl.Source;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Persistence Query over the journal file (issue #6 item 3), for the AdminActor's event stream to the CLI:
 * {@code eventsByPersistenceId} and {@code eventsByTag} (live, polling the file every {@code refresh-interval})
 * and their {@code current…} forms. It reads the file as {@link JournalReader} does — every line CRC-checked,
 * a damaged line fails the stream rather than being skipped — so it sees exactly what was acknowledged.
 * The offset of {@code eventsByTag} is the record's position ({@link JournalReader.Event#position()}, segment and
 * line, as a {@link Sequence}): resumable, in write order, stable when segments rotate or expire.
 */
public final class FileReadJournal implements ReadJournal, EventsByPersistenceIdQuery, CurrentEventsByPersistenceIdQuery,
    EventsByTagQuery, CurrentEventsByTagQuery {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final Duration refresh;
  private final Serialization serialization;

  public FileReadJournal(ExtendedActorSystem system, Config config) {
    this.dir = Paths.get(config.getString("dir")).toAbsolutePath();
    this.refresh = config.hasPath("refresh-interval") ? config.getDuration("refresh-interval") : Duration.ofMillis(200);
    this.serialization = SerializationExtension.get(system);
  }

  @Override public Source<EventEnvelope, NotUsed> eventsByPersistenceId(String pid, long from, long to) {
    return live(e -> e.pid().equals(pid) && e.seq() >= from && e.seq() <= to)
        .takeWhile(env -> env.sequenceNr() < to, true);
  }

  @Override public Source<EventEnvelope, NotUsed> currentEventsByPersistenceId(String pid, long from, long to) {
    return current(e -> e.pid().equals(pid) && e.seq() >= from && e.seq() <= to);
  }

  @Override public Source<EventEnvelope, NotUsed> eventsByTag(String tag, Offset offset) {
    long after = after(offset);
    return live(e -> e.tags().contains(tag) && e.position() > after);
  }

  @Override public Source<EventEnvelope, NotUsed> currentEventsByTag(String tag, Offset offset) {
    long after = after(offset);
    return current(e -> e.tags().contains(tag) && e.position() > after);
  }

  private static long after(Offset offset) {
    if (offset instanceof Sequence s) return s.value();
    if (offset == null || offset == NoOffset.getInstance()) return 0;
    throw new IllegalArgumentException("the journal's offsets are Sequence (positions), got " + offset);
  }

  private Source<EventEnvelope, NotUsed> current(Predicate<JournalReader.Event> wanted) {
    return Source.lazySource(() -> {
      Tail t = new Tail();
      return Source.from(t.next(wanted));
    }).mapMaterializedValue(f -> NotUsed.getInstance());
  }

  private Source<EventEnvelope, NotUsed> live(Predicate<JournalReader.Event> wanted) {
    return Source.tick(Duration.ZERO, refresh, "tick")
        .mapMaterializedValue(c -> NotUsed.getInstance())
        .statefulMapConcat(() -> {
          Tail t = new Tail();
          return tick -> t.next(wanted);
        });
  }

  /** Reads the journal on from where it left off; remembers deletions so deleted events are never delivered. */
  private final class Tail {
    final JournalReader.Cursor cursor = new JournalReader.Cursor(dir);
    final Map<String, Long> deletedTo = new HashMap<>();

    List<EventEnvelope> next(Predicate<JournalReader.Event> wanted) {
      JournalReader.Contents c;
      try {
        c = cursor.next();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read journal " + dir, e);
      }
      if (!c.damaged().isEmpty()) {
        JournalReader.Damage d = c.damaged().get(0);
        throw new IllegalStateException("journal " + d.file() + " line " + d.line() + " is damaged: " + d.reason());
      }
      c.deletions().forEach(d -> deletedTo.merge(d.pid(), d.toSeq(), Math::max));
      List<EventEnvelope> out = new ArrayList<>();
      for (JournalReader.Event e : c.events()) {
        if (e.seq() <= deletedTo.getOrDefault(e.pid(), 0L) || !wanted.test(e)) continue;
        out.add(EventEnvelope.apply(Offset.sequence(e.position()), e.pid(), e.seq(), payload(e), e.ts().toEpochMilli()));
      }
      return out;
    }
  }

  private Object payload(JournalReader.Event e) {
    try {
      byte[] bytes = e.payloadBase64() != null ? Base64.getDecoder().decode(e.payloadBase64())
          : JSON.writeValueAsBytes(e.event());
      return serialization.deserialize(bytes, e.serializerId(), e.manifest()).get();
    } catch (IOException | RuntimeException x) {
      throw new IllegalStateException("journal " + dir + " segment " + e.segment() + " line " + e.line()
          + ": event not readable: " + x, x);
    }
  }
}
