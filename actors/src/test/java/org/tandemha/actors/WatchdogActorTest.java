package org.tandemha.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Behaviors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemha.actors.port.Clock;
import org.tandemha.actors.port.SelfFence;
import org.tandemha.protocol.HaEvent;
import org.tandemha.protocol.HostId;
import org.tandemha.protocol.QuorumVerdict;

/**
 * Issue #7 item 6 against a fake watchdog device (a file collecting the bytes written to it): armed only once
 * quorate, fed every tick while quorate, starved when quorum is lost while another side may hold it, fed again when
 * it returns, not fed when the quorum answer does not come (a stall), never the magic 'V'; and the peers hear
 * whether it is armed and with what timeout.
 */
class WatchdogActorTest {
  static final ActorTestKit testKit = ActorTestKit.create("WatchdogActorTest");
  static final HostId A = new HostId("3f9a2c1e-5b7d-4e8f-a1c3-000000000a01");
  static final HostId B = new HostId("3f9a2c1e-5b7d-4e8f-a1c3-000000000a02");

  @AfterAll static void shutdown() { testKit.shutdownTestKit(); }

  @TempDir
  Path tmp;

  /** The fake device: the same writes a real /dev/watchdog gets, counted in a file. */
  static final class FileWatchdog implements SelfFence.Watchdog {
    final Path file;
    private FileChannel channel;

    FileWatchdog(Path file) { this.file = file; }

    @Override public String device() { return file.toString(); }
    @Override public Duration timeout() { return Duration.ofSeconds(30); }
    @Override public synchronized boolean opened() { return channel != null; }
    @Override public synchronized void feed() throws IOException {
      if (channel == null) channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      channel.write(ByteBuffer.wrap(new byte[] {'k'}));
    }

    long fed() throws IOException { return Files.size(file); }
  }

  /** A quorum actor whose standing the test sets; null = it does not answer (a stalled node). */
  static ActorRef<QuorumActor.Command> quorum(AtomicReference<QuorumActor.Standing> standing) {
    return testKit.spawn(Behaviors.receive(QuorumActor.Command.class)
        .onMessage(QuorumActor.Watch.class, w -> {
          if (standing.get() != null) w.replyTo().tell(standing.get());
          return Behaviors.same();
        }).build());
  }

  static QuorumActor.Standing standing(boolean quorate, boolean peerMayBeQuorate) {
    return new QuorumActor.Standing(new QuorumVerdict(quorate ? 2 : 1, 2, quorate, false, List.of("node:a"), "test"),
        peerMayBeQuorate);
  }

  void ticks(ActorRef<WatchdogActor.Command> w, int n) throws InterruptedException {
    for (int i = 0; i < n; i++) {
      w.tell(new WatchdogActor.Tick(2));
      Thread.sleep(60);
    }
  }

  @Test
  void armedOnQuorumStarvedOnItsLossFedWhenItReturnsNeverMagicClosed() throws Exception {
    Path device = Files.createFile(tmp.resolve("watchdog"));
    FileWatchdog fake = new FileWatchdog(device);
    AtomicReference<QuorumActor.Standing> standing = new AtomicReference<>(standing(false, true));
    List<HaEvent> got = new java.util.concurrent.CopyOnWriteArrayList<>();
    ActorRef<HaJournal.Command> journal = testKit.spawn(Behaviors.receive(HaJournal.Command.class)
        .onMessage(HaJournal.Record.class, r -> {
          got.add(r.event());
          r.replyTo().tell(akka.Done.getInstance());
          return Behaviors.same();
        }).build());
    ActorRef<WatchdogActor.Command> w = testKit.spawn(WatchdogActor.create(A, Optional.of(fake), quorum(standing),
        journal, Clock.system()));

    ticks(w, 5);
    assertEquals(0, fake.fed(), "not armed before this node held quorum");

    standing.set(standing(true, true));
    ticks(w, 5);
    long armed = fake.fed();
    assertTrue(armed >= 3, "fed on the ticks while quorate: " + armed);

    standing.set(standing(false, true));
    ticks(w, 3);   // a tick already asked may still feed once
    long starving = fake.fed();
    ticks(w, 5);
    assertEquals(starving, fake.fed(), "no feed without quorum while another side may hold it");

    standing.set(standing(false, false));
    ticks(w, 5);
    assertTrue(fake.fed() > starving, "fed when no other side can be quorate");

    standing.set(null);
    Thread.sleep(2500);   // let an outstanding ask time out
    long stalled = fake.fed();
    ticks(w, 5);
    assertEquals(stalled, fake.fed(), "no quorum answer (a stalled node): no feed");

    standing.set(standing(true, true));
    Thread.sleep(2200);
    ticks(w, 5);
    assertTrue(fake.fed() > stalled, "fed again");
    assertFalse(Files.readString(device).contains("V"), "never the magic close character");
    assertTrue(Files.readString(device).chars().allMatch(c -> c == 'k'));

    assertEquals(1, got.stream().filter(e -> e instanceof HaEvent.WatchdogArmed).count(), got.toString());
    assertTrue(got.stream().anyMatch(e -> e instanceof HaEvent.WatchdogFeeding f && !f.feeding()), got.toString());
    assertTrue(got.stream().anyMatch(e -> e instanceof HaEvent.WatchdogFeeding f && f.feeding()), got.toString());
  }

  @Test
  void peersHearWhetherItIsArmedAndItsTimeout() throws Exception {
    FileWatchdog fake = new FileWatchdog(Files.createFile(tmp.resolve("watchdog")));
    AtomicReference<QuorumActor.Standing> standing = new AtomicReference<>(standing(true, true));
    ActorRef<WatchdogActor.Command> a = testKit.spawn(WatchdogActor.create(A, Optional.of(fake), quorum(standing),
        testKit.spawn(HaJournal.create(new HostId("wd-a-" + System.nanoTime()))), Clock.system()));
    ActorRef<WatchdogActor.Command> b = testKit.spawn(WatchdogActor.create(B, Optional.empty(), quorum(standing),
        testKit.spawn(HaJournal.create(new HostId("wd-b-" + System.nanoTime()))), Clock.system()));
    TestProbe<WatchdogActor.PeerWatchdog> probe = testKit.createTestProbe();
    probe.awaitAssert(Duration.ofSeconds(10), () -> {
      try {
        ticks(a, 1);
        ticks(b, 1);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      b.tell(new WatchdogActor.GetPeer(A, probe.ref()));
      assertEquals(Optional.of(Duration.ofSeconds(30)), probe.receiveMessage().timeout());
      a.tell(new WatchdogActor.GetPeer(B, probe.ref()));
      WatchdogActor.PeerWatchdog none = probe.receiveMessage();
      assertTrue(none.heardAt().isPresent(), "B's advert arrived");
      assertEquals(Optional.empty(), none.timeout(), "B arms no watchdog");
      return null;
    });
  }

  /** Relayed adverts go only where they are used: to other hosts' nodes, and to nodes not known as members yet. */
  @Test
  void relayedAdvertsGoOnlyToOtherHostsNodes() {
    HostId c = new HostId("3f9a2c1e-5b7d-4e8f-a1c3-000000000a03");
    record Row(java.util.Set<String> roles, HostId origin, boolean wanted, String why) {}
    for (Row r : List.of(
        new Row(java.util.Set.of(QuorumActor.hostRole(c), "dc-default"), A, true, "a third host's node"),
        new Row(java.util.Set.of(QuorumActor.hostRole(A), "dc-default"), A, false, "the origin's own node ignores it"),
        new Row(java.util.Set.of(WitnessGuardian.ROLE, "dc-default"), A, false, "a witness passes on only direct ones"),
        new Row(null, A, true, "a node not known as a member yet"))) {
      assertEquals(r.wanted(), WatchdogActor.wantsRelayed(r.roles(), r.origin()), r.why());
    }
  }
}
