package org.tandemha.controller.net;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import org.tandemha.actors.port.NetPort;

/**
 * {@link NetPort} with the JDK's reachability test: ICMP echo when the JVM may open raw sockets (root, as
 * Tandem runs in dom0), else a TCP echo-port probe. No external {@code ping} binary needed.
 */
public final class InetNet implements NetPort {
  @Override public boolean answers(String address, Duration timeout) {
    try {
      return InetAddress.getByName(address).isReachable((int) Math.max(1, timeout.toMillis()));
    } catch (IOException e) {
      return false;
    }
  }
}
