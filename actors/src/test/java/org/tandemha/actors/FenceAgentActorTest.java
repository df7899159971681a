package org.tandemha.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.tandemha.actors.port.Clock;
import org.tandemha.actors.port.FencePort;
import org.tandemha.protocol.FenceOutcome;
import org.tandemha.protocol.HostId;
import org.tandemha.protocol.PowerState;

class FenceAgentActorTest {
  static final ActorTestKit testKit = ActorTestKit.create("FenceAgentActorTest");
  static final ExecutorService io = Executors.newCachedThreadPool();
  static final HostId TARGET = new HostId("aaaa-target");

  @AfterAll static void shutdown() {
    testKit.shutdownTestKit();
    io.shutdownNow();
  }

  /** A device whose power-off answers what it is told to, counts calls, and can hang until released. */
  static final class SimDevice implements FencePort {
    final PowerState readBack;
    final CountDownLatch release;
    final AtomicInteger offCalls = new AtomicInteger();
    SimDevice(PowerState readBack, boolean hang) {
      this.readBack = readBack;
      this.release = new CountDownLatch(hang ? 1 : 0);
    }
    @Override public String device() { return "sim-pdu"; }
    @Override public PowerState powerOff(HostId target) {
      offCalls.incrementAndGet();
      try { release.await(); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
      return readBack;
    }
    @Override public PowerState status(HostId target) { return readBack; }
  }

  ActorRef<FenceAgentActor.Command> agent(SimDevice device, Duration timeout) {
    ActorRef<HaJournal.Command> journal = testKit.spawn(HaJournal.create(new HostId("node-" + System.nanoTime())));
    return testKit.spawn(FenceAgentActor.create(device, journal, Clock.system(), io, timeout));
  }

  @Test
  void confirmsOnlyWhenPowerReadsBackOff() {
    SimDevice device = new SimDevice(PowerState.OFF, false);
    TestProbe<FenceOutcome> probe = testKit.createTestProbe();
    agent(device, Duration.ofSeconds(3)).tell(new FenceAgentActor.Fence(TARGET, "test", probe.ref()));
    FenceOutcome o = probe.expectMessageClass(FenceOutcome.Confirmed.class, Duration.ofSeconds(5));
    assertEquals(TARGET, o.target());
  }

  @Test
  void powerStillOnIsAFailure() {
    SimDevice device = new SimDevice(PowerState.ON, false);
    TestProbe<FenceOutcome> probe = testKit.createTestProbe();
    agent(device, Duration.ofSeconds(3)).tell(new FenceAgentActor.Fence(TARGET, "test", probe.ref()));
    FenceOutcome.Failed f = probe.expectMessageClass(FenceOutcome.Failed.class, Duration.ofSeconds(5));
    assertTrue(f.reason().contains("ON"), f.reason());
  }

  @Test
  void hungDeviceFailsEveryRequesterWithOneCall() {
    SimDevice device = new SimDevice(PowerState.OFF, true);
    TestProbe<FenceOutcome> first = testKit.createTestProbe();
    TestProbe<FenceOutcome> second = testKit.createTestProbe();
    ActorRef<FenceAgentActor.Command> agent = agent(device, Duration.ofMillis(300));
    agent.tell(new FenceAgentActor.Fence(TARGET, "test", first.ref()));
    agent.tell(new FenceAgentActor.Fence(TARGET, "test again", second.ref()));
    first.expectMessageClass(FenceOutcome.Failed.class, Duration.ofSeconds(5));
    second.expectMessageClass(FenceOutcome.Failed.class, Duration.ofSeconds(5));
    assertEquals(1, device.offCalls.get());
    device.release.countDown();
  }
}
