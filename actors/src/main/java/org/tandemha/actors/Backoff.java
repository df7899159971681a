package org.tandemha.actors;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.tandemha.actors.decide.HostChoice;

/**
 * Per key (a VM, a vApp, a storage step), the rounds that failed in a row and when the next may begin: for starts
 * waits double from 10 s to 5 min ({@link HostChoice#backoff}); storage steps have their own, shorter, waits. Actor state: used by one actor only.
 */
final class Backoff<K> {
  /** The round just given up and how long until the next. */
  record Wait(int round, Duration delay) {}

  private final java.util.function.IntFunction<Duration> waits;
  private final Map<K, Integer> rounds = new HashMap<>();

  /** VM and vApp starts: {@link HostChoice#backoff}. */
  Backoff() {
    this(HostChoice::backoff);
  }

  /** @param waits the wait after the n-th failed round in a row (n ≥ 1) */
  Backoff(java.util.function.IntFunction<Duration> waits) {
    this.waits = waits;
  }
  private final Map<K, Instant> notBefore = new HashMap<>();

  /** Another round failed: the key waits, longer each time. */
  Wait failed(K key, Instant now) {
    int n = rounds.merge(key, 1, Integer::sum);
    Duration wait = waits.apply(n);
    notBefore.put(key, now.plus(wait));
    return new Wait(n, wait);
  }

  /** Whether the key is still waiting out its last failure. */
  boolean waiting(K key, Instant now) {
    Instant t = notBefore.get(key);
    return t != null && now.isBefore(t);
  }

  /** It started (or no longer needs to): the next failure starts from the first wait again. */
  void forget(K key) {
    rounds.remove(key);
    notBefore.remove(key);
  }
}
