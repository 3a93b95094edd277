package chat.bus;

import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A refusal with a code the client sees (HTTP-like: 400, 401, 403, 404, 409, 429, 503). It travels as a
 * {@link ReplyException} so a failure reply keeps its code across verticles and nodes.
 */
public final class Failure {

  public static final int BAD_REQUEST = 400;
  public static final int UNAUTHORIZED = 401;
  public static final int FORBIDDEN = 403;
  public static final int NOT_FOUND = 404;
  public static final int CONFLICT = 409;
  public static final int TOO_MANY = 429;
  public static final int INTERNAL = 500;
  public static final int UNAVAILABLE = 503;

  private static final String BUSY = "the server is busy, try again";
  private static final Logger LOG = LoggerFactory.getLogger(Failure.class);

  private Failure() {
  }

  public static ReplyException of(int code, String message) {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, code, message);
  }

  /**
   * Refused unstored because it waited too long in a busy node's queues (the node sheds load): retryable, with the
   * same cid.
   */
  public static ReplyException busy() {
    return of(UNAVAILABLE, BUSY);
  }

  /** A {@link #busy} refusal, from this node or another (another 503 says what else is away). */
  public static boolean isBusy(Throwable err) {
    return err instanceof ReplyException reply && reply.failureCode() == UNAVAILABLE && BUSY.equals(reply.getMessage());
  }

  public static ReplyException badRequest(String message) {
    return of(BAD_REQUEST, message);
  }

  public static ReplyException forbidden(String message) {
    return of(FORBIDDEN, message);
  }

  /** A refusal of one field of what the client sent (the HTTP API answers it as {"errors": {field: problem}}). */
  public static ReplyException field(String field, String problem) {
    return badRequest(field + ": " + problem);
  }

  /** The field and problem of a {@link #field} refusal of one of these fields, or null for any other failure. */
  public static java.util.Map.Entry<String, String> fieldOf(Throwable err, java.util.Collection<String> fields) {
    if (code(err) != BAD_REQUEST || err.getMessage() == null) {
      return null;
    }
    int colon = err.getMessage().indexOf(": ");
    String field = colon < 0 ? null : err.getMessage().substring(0, colon);
    return field != null && fields.contains(field) ? java.util.Map.entry(field, err.getMessage().substring(colon + 2))
      : null;
  }

  /** The code of a failure, 500 for anything that is not a deliberate refusal. */
  public static int code(Throwable err) {
    if (err instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE
      && reply.failureCode() >= 400) {
      return reply.failureCode();
    }
    if (err instanceof ReplyException reply && reply.failureType() != ReplyFailure.RECIPIENT_FAILURE) {
      return UNAVAILABLE;
    }
    return INTERNAL;
  }

  /** What a client is told about a failure: a code and a text safe to show. */
  public record Told(int code, String message) {

    /** A server-side trouble (500 or 503) rather than a refusal of what the client asked. */
    public boolean serverSide() {
      return code >= INTERNAL;
    }
  }

  /**
   * The one mapping from a failure to what a client learns, on the bus and over HTTP: refusals keep their code
   * and text; a deliberate 503 keeps its text (it says what is busy); a lost or timed-out request is a 503 with a
   * plain text; anything unexpected is a 500 that says only that it failed (never a stack trace or SQL text:
   * the caller logs it, naming what failed).
   */
  public static Told told(Throwable err) {
    int code = code(err);
    if (code == INTERNAL) {
      return new Told(INTERNAL, "internal error");
    }
    if (code == UNAVAILABLE && !(err instanceof ReplyException r && r.failureCode() == UNAVAILABLE)) {
      return new Told(UNAVAILABLE, "service unavailable, try again");
    }
    return new Told(code, err.getMessage());
  }

  /** Answers a request with the failure, as {@link #told} says; an unexpected one is logged with its address. */
  public static void reply(Message<?> request, Throwable err) {
    Told told = told(err);
    if (told.code() == INTERNAL) {
      LOG.warn("request to {} failed: {}", request.address(), err.toString());
    }
    request.fail(told.code(), told.message());
  }

  /**
   * For a verticle whose unexpected failures are its backing service being away (the store's database): a
   * refusal (a {@link #busy} one too) stays as it is, anything else is logged once and becomes a 503 naming the
   * service, so the client retries instead of giving up on a 500.
   */
  public static Throwable unavailableUnlessRefused(Throwable err, String service) {
    if (code(err) < INTERNAL || isBusy(err)) {
      // a send shed as too late is a refusal too: the node counts them, it does not log each
      return err;
    }
    LOG.warn("{} failure: {}", service, err.toString());
    return of(UNAVAILABLE, service + " unavailable, try again");
  }
}
