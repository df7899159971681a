package org.tandemha.controller.journal;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.javadsl.Adapter;
import akka.persistence.AtomicWrite;
import akka.persistence.JournalProtocol;
import akka.persistence.Persistence;
import akka.persistence.PersistentEnvelope;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The child JVM of {@link CrashDurabilityTest}: recovers the journal in {@code args[0]}, prints
 * {@code start <highest>}, then appends events (one per write, as fast as acknowledgements come) and prints
 * {@code ack <seq>} only after the journal acknowledged each — the parent kills it with SIGKILL at any moment.
 */
public final class JournalCrashChild {
  static final String PID = "Crash|1";

  public static void main(String[] args) {
    // args[1], when given, is a small segment-size: the active file is then closed into segments every few
    // hundred events, so some kills land in the middle of a rotation.
    com.typesafe.config.Config config = FileJournalTest.config(Path.of(args[0]));
    if (args.length > 1) config = ConfigFactory.parseString("tandem.journal.segment-size = " + args[1]).withFallback(config);
    ActorTestKit kit = ActorTestKit.create("JournalCrashChild", config);
    akka.actor.ActorRef journal = Persistence.get(Adapter.toClassic(kit.system())).journalFor(null, ConfigFactory.empty());
    TestProbe<Object> probe = kit.createTestProbe();
    journal.tell(new JournalProtocol.ReplayMessages(1L, Long.MAX_VALUE, Long.MAX_VALUE, PID, Adapter.toClassic(probe.ref())),
        akka.actor.ActorRef.noSender());
    Object m;
    do {
      m = probe.receiveMessage(Duration.ofSeconds(30));
    } while (m instanceof JournalProtocol.ReplayedMessage);
    long seq = ((JournalProtocol.RecoverySuccess) m).highestSequenceNr();
    System.out.println("start " + seq);
    System.out.flush();
    while (true) {
      seq++;
      AtomicWrite w = AtomicWrite.apply(FileJournalTest.repr("event-" + seq, seq, PID));
      journal.tell(new JournalProtocol.WriteMessages(FileJournalTest.scalaList((PersistentEnvelope) w),
          Adapter.toClassic(probe.ref()), 1), akka.actor.ActorRef.noSender());
      Object r = probe.receiveMessage(Duration.ofSeconds(30));
      if (!(r instanceof JournalProtocol.WriteMessagesSuccessful$)) throw new IllegalStateException("write: " + r);
      Object one = probe.receiveMessage(Duration.ofSeconds(30));
      if (!(one instanceof JournalProtocol.WriteMessageSuccess)) throw new IllegalStateException("write: " + one);
      System.out.println("ack " + seq);
      System.out.flush();
    }
  }
}
