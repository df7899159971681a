package org.tandemha.controller.net;

import akka.event.EventStream;
import akka.remote.FailureDetector;
import akka.remote.FailureDetector$;
import akka.remote.PhiAccrualFailureDetector;
import com.typesafe.config.Config;
import java.util.concurrent.TimeUnit;
import scala.concurrent.duration.FiniteDuration;

/**
 * The cluster's failure detector ({@code akka.cluster.failure-detector.implementation-class}): Akka's phi accrual
 * detector with the same settings and the same verdicts, without its "heartbeat interval is growing too large"
 * warning. Akka warns whenever a heartbeat interval reaches 2/3 of {@code acceptable-heartbeat-pause}, which suits
 * its defaults (1 s heartbeats, 3 s pause) but with Tandem's (heartbeats every 500 ms, which the 100 ms scheduler
 * tick stretches to 600-700 ms, and a 600 ms pause for a verdict within about 2 s) it fired on every heartbeat:
 * three WARN lines a second from an idle node (issue #10). A peer that really goes silent is still logged, as
 * the node's "is UNREACHABLE" line and the decisions that follow.
 */
public final class QuietPhiAccrualDetector extends PhiAccrualFailureDetector {
  /** The constructor Akka's FailureDetectorLoader calls, with the failure-detector config section. */
  public QuietPhiAccrualDetector(Config config, EventStream unused) {
    this(config, FailureDetector$.MODULE$.defaultClock());
  }

  QuietPhiAccrualDetector(Config config, FailureDetector.Clock clock) {
    super(config.getDouble("threshold"), config.getInt("max-sample-size"), millis(config, "min-std-deviation"),
        millis(config, "acceptable-heartbeat-pause"), millis(config, "heartbeat-interval"),
        clock);   // this constructor passes no event stream: nothing to warn on
  }

  private static FiniteDuration millis(Config config, String key) {
    return FiniteDuration.create(config.getDuration(key).toMillis(), TimeUnit.MILLISECONDS);
  }
}
