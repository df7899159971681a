package org.tandemha.controller.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.javadsl.Adapter;
import akka.event.Logging;
import akka.remote.FailureDetector;
import akka.remote.FailureDetectorLoader;
import akka.remote.PhiAccrualFailureDetector;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped failure-detector settings load Tandem's detector the way Akka's cluster loads it, with Akka's settings;
 * fed heartbeats 650 ms apart (the 500 ms ones as the 100 ms scheduler tick delivers them) it judges exactly as
 * Akka's detector does, which puts a warning on the event stream for each of them, and it puts none.
 */
class QuietPhiAccrualDetectorTest {
  static final ActorTestKit testKit = ActorTestKit.create("QuietPhiAccrualDetectorTest");
  static final Config SHIPPED = ConfigFactory.parseResources("application.conf")
      .withFallback(ConfigFactory.defaultReference()).resolve().getConfig("akka.cluster.failure-detector");

  @AfterAll static void shutdown() { testKit.shutdownTestKit(); }

  @Test void theShippedConfigLoadsItWithAkkasSettings() {
    var classic = Adapter.toClassic(testKit.system());
    FailureDetector fd = FailureDetectorLoader.load(SHIPPED.getString("implementation-class"), SHIPPED, classic);
    PhiAccrualFailureDetector phi = assertInstanceOf(QuietPhiAccrualDetector.class, fd);
    assertEquals(SHIPPED.getDouble("threshold"), phi.threshold());
    assertEquals(SHIPPED.getInt("max-sample-size"), phi.maxSampleSize());
    assertEquals(SHIPPED.getDuration("acceptable-heartbeat-pause").toMillis(), phi.acceptableHeartbeatPause().toMillis());
    assertEquals(SHIPPED.getDuration("min-std-deviation").toMillis(), phi.minStdDeviation().toMillis());
    assertEquals(SHIPPED.getDuration("heartbeat-interval").toMillis(), phi.firstHeartbeatEstimate().toMillis());
  }

  @Test void judgesAsAkkasDoesWithoutItsWarnings() {
    var stream = Adapter.toClassic(testKit.system()).eventStream();
    TestProbe<Logging.Warning> warnings = testKit.createTestProbe();
    stream.subscribe(Adapter.toClassic(warnings.ref()), Logging.Warning.class);
    long[] now = {1_000_000};
    FailureDetector.Clock clock = new FailureDetector.Clock() {
      @Override public Object apply() { return now[0]; }
      @Override public long apply$mcJ$sp() { return now[0]; }
    };
    var quiet = new QuietPhiAccrualDetector(SHIPPED, clock);
    var akkas = new PhiAccrualFailureDetector(quiet.threshold(), quiet.maxSampleSize(), quiet.minStdDeviation(),
        quiet.acceptableHeartbeatPause(), quiet.firstHeartbeatEstimate(), scala.Option.apply(stream), clock);
    for (int i = 0; i < 20; i++) {
      quiet.heartbeat();
      akkas.heartbeat();
      now[0] += 650;
    }
    assertTrue(warnings.receiveMessage().message().toString().contains("heartbeat interval is growing too large"),
        "Akka's own detector warns on these heartbeats");
    warnings.receiveSeveralMessages(18);   // one per interval after the first heartbeat
    // Silent from here: the same heartbeats into the quiet detector add no warning.
    for (long silence = 0; silence <= 3000; silence += 50) {
      assertEquals(akkas.isAvailable(), quiet.isAvailable(), "verdict after " + silence + " ms of silence");
      assertEquals(akkas.phi(), quiet.phi(), 1e-9);
      now[0] += 50;
    }
    assertTrue(!quiet.isAvailable() && quiet.isMonitoring(), "3 s of silence is a lost peer");
    warnings.expectNoMessage(Duration.ofMillis(200));
  }
}
