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

  private static final Logger LOG = LoggerFactory.getLogger(Failure.class);

  private Failure() {
  }

  public static ReplyException of(int code, String message) {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, code, message);
  }

  public static ReplyException badRequest(String message) {
    return of(BAD_REQUEST, message);
  }

  public static ReplyException forbidden(String message) {
    return of(FORBIDDEN, message);
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

  /**
   * Answers a request with the failure: refusals keep their code and text; anything unexpected is logged
   * here and the client only learns that it failed (never a stack trace or SQL text).
   */
  public static void reply(Message<?> request, Throwable err) {
    int code = code(err);
    if (code == INTERNAL) {
      LOG.warn("request to {} failed: {}", request.address(), err.toString());
      request.fail(INTERNAL, "internal error");
    } else if (code == UNAVAILABLE && !(err instanceof ReplyException r && r.failureCode() == UNAVAILABLE)) {
      request.fail(UNAVAILABLE, "service unavailable, try again");
    } else {
      request.fail(code, err.getMessage());
    }
  }
}
