package org.tandemha.harness.bench;

import akka.actor.AbstractActor;
import akka.actor.ActorRef;
import akka.actor.ActorSystem;
import akka.actor.Props;
import akka.persistence.AtomicWrite;
import akka.persistence.JournalProtocol;
import akka.persistence.Persistence;
import akka.persistence.PersistentEnvelope;
import akka.persistence.PersistentRepr;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import scala.jdk.javaapi.CollectionConverters;

/**
 * {@code ops/bench}'s journal_append: single-event appends to Tandem's journal plugin, one after the other, each
 * acknowledged only after its fsync — the latency every journaled decision pays before its action. Prints
 * {@code {"bench":"journal_append","p50_ms":…,"p99_ms":…,"events_per_s":…,"events":…}}.
 */
public final class JournalAppendBench {
  private JournalAppendBench() {}

  /** Writes {@code n} events, one at a time, and records each write's acknowledgement latency (ns). */
  static final class Writer extends AbstractActor {
    private final ActorRef journal;
    private final String pid;
    private final int n;
    private final long[] latencies;
    private final CompletableFuture<long[]> done;
    private long seq;
    private long sentAt;

    Writer(ActorRef journal, String pid, int n, CompletableFuture<long[]> done) {
      this.journal = journal;
      this.pid = pid;
      this.n = n;
      this.latencies = new long[n];
      this.done = done;
    }

    @Override public void preStart() { next(); }

    private void next() {
      seq++;
      PersistentRepr repr = PersistentRepr.apply("decision-" + seq + " fencing xs1: peer unreachable 2.1s, quorum 2/3",
          seq, pid, "", false, ActorRef.noSender(), "bench");
      List<PersistentEnvelope> writes = List.of(AtomicWrite.apply(repr));
      sentAt = System.nanoTime();
      journal.tell(new JournalProtocol.WriteMessages(CollectionConverters.asScala(writes).toList(), getSelf(), 1), getSelf());
    }

    @Override public Receive createReceive() {
      return receiveBuilder()
          .match(JournalProtocol.WriteMessageSuccess.class, ok -> {
            latencies[(int) seq - 1] = System.nanoTime() - sentAt;
            if (seq == n) done.complete(latencies);
            else next();
          })
          .match(JournalProtocol.WriteMessageFailure.class, f -> done.completeExceptionally(f.cause()))
          .match(JournalProtocol.WriteMessageRejected.class, f -> done.completeExceptionally(f.cause()))
          .matchAny(m -> { })
          .build();
    }
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length == 2 && args[0].equals("--dir") ? args[1] : "run/bench/journal");
    int n = 2000;
    if (Files.exists(dir.resolve("events.jsonl"))) Files.delete(dir.resolve("events.jsonl"));
    ActorSystem system = ActorSystem.create("JournalAppendBench", ConfigFactory.parseString("""
        akka.loglevel = WARNING
        akka.actor.provider = local
        akka.persistence.journal.plugin = "tandem.journal.plugin"
        akka.persistence.snapshot-store.plugin = "akka.persistence.no-snapshot-store"
        tandem.journal.plugin { class = "org.tandemha.controller.journal.FileJournal", dir = "%s", node = "bench" }
        """.formatted(dir.toAbsolutePath().toString().replace("\\", "/"))).withFallback(ConfigFactory.defaultReference()));
    try {
      ActorRef journal = Persistence.get(system).journalFor(null, ConfigFactory.empty());
      CompletableFuture<long[]> warm = new CompletableFuture<>();
      system.actorOf(Props.create(Writer.class, () -> new Writer(journal, "Bench|warm-up", 200, warm)));
      warm.get(60, TimeUnit.SECONDS);   // JIT and file warm-up, not measured
      CompletableFuture<long[]> done = new CompletableFuture<>();
      long t0 = System.nanoTime();
      system.actorOf(Props.create(Writer.class, () -> new Writer(journal, "Bench|measured", n, done)));
      long[] lat = done.get(300, TimeUnit.SECONDS);
      double seconds = (System.nanoTime() - t0) / 1e9;
      Arrays.sort(lat);
      System.out.println(String.format(Locale.ROOT,
          "{\"bench\":\"journal_append\",\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"events_per_s\":%.0f,\"events\":%d}",
          lat[n / 2] / 1e6, lat[(int) (n * 0.99)] / 1e6, n / seconds, n));
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
