package org.tandemha.controller.config;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.tandemha.actors.port.Clock;
import org.tandemha.controller.NodeConfig;
import org.tandemha.controller.xapi.SdkXapiAdapter;

/**
 * The pool-wide settings a node starts with (issue #9 item 6): those that take a restart — fencing, alerts, timers —
 * are read here, before anything starts: from what the node remembered of the pool at its last run (so a node
 * restarting while the master is down starts at once), else from one bounded XAPI read, else none (defaults and
 * the host file). The live ones follow the pool once the node runs.
 */
public final class StartupPool {
  private StartupPool() {}

  /** Where a node keeps the pool's values between runs: beside its journal. */
  public static Path cacheOf(com.typesafe.config.Config raw) {
    return Path.of(raw.getString("tandem.journal.dir")).toAbsolutePath().resolveSibling("pool-settings.properties");
  }

  public static Map<String, String> values(NodeConfig local, Path cache, Duration bound, PrintStream err) {
    Optional<Map<String, String>> kept = PoolParameters.recalled(cache);
    if (kept.isPresent()) return kept.get();
    try {
      SdkXapiAdapter xapi = new SdkXapiAdapter(local.xapi(), Clock.system());
      Map<String, String> read = CompletableFuture.supplyAsync(() -> xapi.readPool().poolOtherConfig())
          .get(bound.toMillis(), TimeUnit.MILLISECONDS);
      Map<String, String> owned = PoolParameters.owned(read);
      new PoolParameters(local.user(), "", owned, Optional.of(cache)).remember(owned);
      return owned;
    } catch (Exception e) {
      err.println("tandem node: the pool's settings could not be read at start (" + e.getMessage() + "): starting "
          + "with the defaults and this host's file; the live ones follow once XAPI answers");
      return Map.of();
    }
  }

  /** The node's configuration with the pool's values under the host file; the host file alone if they are refused. */
  public static NodeConfig merged(NodeConfig local, Map<String, String> pool, PrintStream err) {
    if (pool.isEmpty()) return local;
    var bad = PoolParameters.badValues(pool);
    if (!bad.isEmpty()) {
      err.println("tandem node: the pool's settings are refused (" + String.join("; ", bad) + "): starting with the "
          + "defaults and this host's file");
      return local;
    }
    try {
      return local.withPool(PoolParameters.poolLayer(pool));
    } catch (NodeConfig.Invalid e) {
      err.println("tandem node: the pool's settings are refused (" + e.getMessage() + "): starting with the defaults "
          + "and this host's file");
      return local;
    }
  }
}
