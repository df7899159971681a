package org.tandemha.harness.bench;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.tandemha.actors.HaJournal;
import org.tandemha.actors.StorageRoleActor;
import org.tandemha.actors.port.Clock;
import org.tandemha.protocol.HostId;
import org.tandemha.storage.lab.Netns;
import org.tandemha.storage.lab.StorageLab;

/**
 * {@code ops/bench}'s storage_takeover (issue #8): in the storage lab (namespaces, real tgtd/ip/arping, the lab
 * DRBD, the client's libiscsi initiator), hostA serves the LUN through the floating IP, loses power, and hostB's
 * storage role actor is told the fence is confirmed; measured from that moment to the client's first successful
 * INQUIRY through the floating IP. Prints {@code {"bench":"storage_takeover","median_s":…,…}}; needs root.
 */
public final class StorageTakeoverBench {
  private StorageTakeoverBench() {}

  static final HostId A = new HostId("3f9a2c1e-5b7d-4e8f-a1c3-0000000e0a01");
  static final HostId B = new HostId("3f9a2c1e-5b7d-4e8f-a1c3-0000000e0b02");

  /** The bench measures storage, not the journal: an acknowledging stand-in (journal_append measures that). */
  static Behavior<HaJournal.Command> journal() {
    return HaJournal.standIn(new java.util.concurrent.CopyOnWriteArrayList<>(), null);
  }

  public static void main(String[] args) throws Exception {
    int runs = 5;
    Path dir = Path.of("run/bench/storage");
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--runs")) runs = Integer.parseInt(args[++i]);
      else if (args[i].equals("--dir")) dir = Path.of(args[++i]);
    }
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "storage-bench", ConfigFactory.parseString(
        "akka.actor.provider = local\nakka.loglevel = WARNING").withFallback(ConfigFactory.load()));
    ExecutorService io = Executors.newCachedThreadPool();
    List<Double> seconds = new ArrayList<>();
    try {
      for (int run = 1; run <= runs; run++) {
        Path runDir = dir.resolve("run-" + run);
        Files.createDirectories(runDir);
        try (StorageLab lab = StorageLab.start(runDir)) {
          ActorRef<StorageRoleActor.Command> a = system.systemActorOf(StorageRoleActor.create(A, lab.storage("hostA"),
              StorageLab.VIP, system.systemActorOf(journal(), "journal-a-" + run, akka.actor.typed.Props.empty()),
              Clock.system(), io), "storage-a-" + run, akka.actor.typed.Props.empty());
          ActorRef<StorageRoleActor.Command> b = system.systemActorOf(StorageRoleActor.create(B, lab.storage("hostB"),
              StorageLab.VIP, system.systemActorOf(journal(), "journal-b-" + run, akka.actor.typed.Props.empty()),
              Clock.system(), io), "storage-b-" + run, akka.actor.typed.Props.empty());
          a.tell(new StorageRoleActor.PoolRole(true, java.util.Set.of(B)));
          b.tell(new StorageRoleActor.PoolRole(false, java.util.Set.of(A)));
          if (!until(Duration.ofSeconds(30), lab::clientInquiry)) throw new IllegalStateException("run " + run + ": hostA never served");
          stop(system, a);
          lab.powerOff("hostA");
          b.tell(new StorageRoleActor.PoolRole(true, java.util.Set.of(A)));
          Thread.sleep(2000);
          long t0 = System.nanoTime();
          b.tell(new StorageRoleActor.PeerFenced(A));
          if (!lab.clientReaches(Duration.ofSeconds(30))) throw new IllegalStateException("run " + run + ": hostB never served");
          double s = (System.nanoTime() - t0) / 1e9;
          seconds.add(s);
          if (!lab.breaches().isEmpty()) throw new IllegalStateException("run " + run + ": two holders: " + lab.breaches());
          System.err.printf(Locale.ROOT, "storage_takeover run %d: %.3f s%n", run, s);
          stop(system, b);
        }
      }
    } catch (Netns.Unavailable e) {
      System.out.println("{\"bench\":\"storage_takeover\",\"skipped\":\"" + e.getMessage().replace("\"", "'") + "\"}");
      return;
    } finally {
      system.terminate();
      io.shutdownNow();
    }
    List<Double> sorted = seconds.stream().sorted().toList();
    double median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
        : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
    System.out.printf(Locale.ROOT, "{\"bench\":\"storage_takeover\",\"median_s\":%.3f,\"min_s\":%.3f,\"max_s\":%.3f,"
        + "\"runs\":%d}%n", median, sorted.get(0), sorted.get(sorted.size() - 1), sorted.size());
  }

  private static void stop(ActorSystem<Void> system, ActorRef<StorageRoleActor.Command> actor) throws Exception {
    akka.actor.typed.javadsl.Adapter.toClassic(system).stop(akka.actor.typed.javadsl.Adapter.toClassic(actor));
    Thread.sleep(100);
  }

  private static boolean until(Duration within, java.util.function.BooleanSupplier ok) throws InterruptedException {
    long end = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < end) {
      if (ok.getAsBoolean()) return true;
      Thread.sleep(20);
    }
    return false;
  }
}
