package org.tandemha.controller.admin;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.tandemha.protocol.Admin;

/** The CLI's side of the admin socket: one request, one reply, bounded. */
public final class AdminClient {
  private AdminClient() {}

  /** The node does not listen on the socket, or did not answer in time: the CLI's exit code 3. */
  public static final class Unreachable extends Exception {
    public Unreachable(String message) { super(message); }
  }

  /** The request was sent but no readable answer came back: the operation may still be running, or have run. */
  public static final class NoAnswer extends Exception {
    public NoAnswer(String message) { super(message); }
  }

  public static Admin.Reply call(Path socket, Admin.Request request, Duration timeout) throws Unreachable, NoAnswer {
    SocketChannel c;
    try {
      c = SocketChannel.open(UnixDomainSocketAddress.of(socket));
    } catch (IOException | UnsupportedOperationException e) {
      throw new Unreachable("the Tandem node on this host is not reachable at " + socket + " (" + e.getMessage()
          + "); is it running? (systemctl status tandem)");
    }
    try {
      AdminSocket.write(c, request);
    } catch (IOException e) {
      try {
        c.close();
      } catch (IOException ignored) {
        // nothing was sent
      }
      throw new Unreachable("the Tandem node at " + socket + " did not take the request: " + e.getMessage());
    }
    try (c) {
      CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
        try {
          return AdminSocket.readLine(c);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      String text = line.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (text.isEmpty()) throw new NoAnswer("the Tandem node closed the connection without an answer");
      return AdminSocket.JSON.readValue(text, Admin.Reply.class);
    } catch (TimeoutException e) {
      throw new NoAnswer("the Tandem node did not answer within " + timeout.toSeconds() + "s");
    } catch (NoAnswer e) {
      throw e;
    } catch (Exception e) {
      throw new NoAnswer("the Tandem node's answer could not be read: " + e);
    }
  }
}
