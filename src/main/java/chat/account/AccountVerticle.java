package chat.account;

import chat.bus.Addresses;
import chat.bus.Failure;
import chat.bus.RoomId;
import chat.config.ChatConfig;
import chat.store.ReconnectingPool;
import chat.store.Sql;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.authentication.UsernamePasswordCredentials;
import io.vertx.ext.auth.sqlclient.SqlAuthentication;
import io.vertx.ext.auth.sqlclient.SqlAuthenticationOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.mindrot.jbcrypt.BCrypt;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Owns the users table: registration, login and look-ups. Deployed as a worker verticle because bcrypt
 * (inside {@link SqlAuthentication}'s query future, and for new hashes) must never run on an event loop.
 */
public class AccountVerticle extends VerticleBase {

  static final String BAD_LOGIN = "invalid username or password";

  private final ChatConfig config;
  private ReconnectingPool db;
  private Pool authenticationPool;
  private SqlAuthentication authentication;
  /** Checked against when the user does not exist, so an unknown name costs the same time as a wrong password. */
  private String decoyHash;

  public AccountVerticle(ChatConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    db = new ReconnectingPool(vertx, config.db(), "accounts");
    decoyHash = BcryptHashing.hashNew("decoy password", config.security().bcryptCost());
    return Future.all(List.of(
      consume(Addresses.ACCOUNT_REGISTER, body -> register(Registration.fromJson(body)).map(Account::toJson)),
      consume(Addresses.ACCOUNT_LOGIN, body -> login(body.getString("username"), body.getString("password"))
        .map(Account::toJson)),
      consume(Addresses.ACCOUNT_FIND, body -> find(body.getString("username")).map(account -> {
        if (account == null) {
          throw Failure.of(Failure.NOT_FOUND, "no such user");
        }
        return account.toJson();
      })),
      consume(Addresses.ACCOUNT_SEARCH, body -> search(body.getString("prefix"), body.getInteger("limit"))),
      consume(Addresses.ACCOUNT_CHANGE_EMAIL, body -> changeEmail(body.getString("username"), body.getString("email"))
        .map(Account::toJson)),
      consume(Addresses.ACCOUNT_CHANGE_PASSWORD, body -> changePassword(body.getString("username"),
        body.getString("currentPassword"), body.getString("password")).map(v -> new JsonObject()))));
  }

  @Override
  public Future<?> stop() {
    return db.close();
  }

  private Future<Void> consume(String address, Function<JsonObject, Future<JsonObject>> handler) {
    return vertx.eventBus().<JsonObject>localConsumer(address, request -> Future.succeededFuture(request.body())
        .compose(handler)
        .onSuccess(request::reply)
        .onFailure(err -> Failure.reply(request, err)))
      .completion();
  }

  Future<Account> register(Registration form) {
    String key = RoomId.key(form.username());
    String emailKey = form.email().toLowerCase(Locale.ROOT);
    return takenFields(key, emailKey).compose(taken -> {
      if (!taken.isEmpty()) {
        return Future.failedFuture(Failure.of(Failure.CONFLICT, String.join(",", taken)));
      }
      String hash = BcryptHashing.hashNew(form.password(), config.security().bcryptCost());
      return db.use(pool -> pool.preparedQuery(Sql.INSERT_USER)
          .execute(Tuple.of(key, form.username(), form.email(), emailKey, hash, System.currentTimeMillis())))
        .map(done -> new Account(form.username(), form.email()))
        // Two registrations racing for one name: the constraint decides, the loser gets the same 409.
        .recover(err -> takenFields(key, emailKey).compose(again -> again.isEmpty()
          ? Future.failedFuture(err)
          : Future.failedFuture(Failure.of(Failure.CONFLICT, String.join(",", again)))));
    });
  }

  private Future<List<String>> takenFields(String key, String emailKey) {
    return db.use(pool -> pool.preparedQuery(Sql.USER_TAKEN).execute(Tuple.of(key, emailKey))).map(rows -> {
      List<String> taken = new ArrayList<>();
      for (Row row : rows) {
        if (key.equals(row.getString(0)) && !taken.contains("username")) {
          taken.add("username");
        }
        if (emailKey.equals(row.getString(1)) && !taken.contains("email")) {
          taken.add("email");
        }
      }
      return taken;
    });
  }

  Future<Account> login(String username, String password) {
    if (username == null || password == null || !RoomId.USERNAME.matcher(username).matches()) {
      return refuseLogin(password);
    }
    return find(username).compose(account -> {
      // bcrypt only reads 72 bytes: a longer password must not log in as its own prefix.
      if (account == null || password.getBytes(StandardCharsets.UTF_8).length > PasswordRule.MAX_BYTES) {
        return refuseLogin(password);
      }
      // verifies with bcrypt inside the query's future: on this worker verticle's thread
      return db.use(pool -> authentication(pool)
          .authenticate(new UsernamePasswordCredentials(RoomId.key(username), password)))
        .map(user -> account)
        .recover(err -> Future.failedFuture(Failure.of(Failure.UNAUTHORIZED, BAD_LOGIN)));
    });
  }

  Future<Account> changeEmail(String username, String email) {
    String key = RoomId.key(username);
    String emailKey = email.toLowerCase(Locale.ROOT);
    return db.use(pool -> pool.preparedQuery(Sql.EMAIL_OWNER).execute(Tuple.of(emailKey)))
      .compose(owners -> {
        if (owners.size() > 0 && !key.equals(owners.iterator().next().getString(0))) {
          return Future.failedFuture(Failure.of(Failure.CONFLICT, "email"));
        }
        return db.use(pool -> pool.preparedQuery(Sql.UPDATE_EMAIL).execute(Tuple.of(email, emailKey, key)))
          .recover(err -> Future.failedFuture(Failure.of(Failure.CONFLICT, "email")));
      })
      .compose(updated -> find(username));
  }

  /** Only with the current password, so a session left open on someone else's screen cannot take the account. */
  Future<Void> changePassword(String username, String currentPassword, String newPassword) {
    return login(username, currentPassword)
      .compose(account -> db.use(pool -> pool.preparedQuery(Sql.UPDATE_PASSWORD)
        .execute(Tuple.of(BcryptHashing.hashNew(newPassword, config.security().bcryptCost()), RoomId.key(username)))))
      .mapEmpty();
  }

  /**
   * One SqlAuthentication per pool: creating it loads the hashing algorithms through ServiceLoader, which costs
   * more than the bcrypt check itself and would make a wrong password measurably slower than an unknown user.
   */
  private SqlAuthentication authentication(Pool pool) {
    if (pool != authenticationPool) {
      authenticationPool = pool;
      authentication = SqlAuthentication.create(pool,
        new SqlAuthenticationOptions().setAuthenticationQuery(Sql.PASSWORD_BY_KEY));
    }
    return authentication;
  }

  private Future<Account> refuseLogin(String password) {
    BCrypt.checkpw(password == null ? "" : password, decoyHash);
    return Future.failedFuture(Failure.of(Failure.UNAUTHORIZED, BAD_LOGIN));
  }

  Future<Account> find(String username) {
    if (username == null) {
      return Future.succeededFuture();
    }
    return db.use(pool -> pool.preparedQuery(Sql.USER_BY_KEY).execute(Tuple.of(RoomId.key(username))))
      .map(rows -> rows.size() == 0 ? null : toAccount(rows.iterator().next()));
  }

  private Future<JsonObject> search(String prefix, int limit) {
    String pattern = Sql.literalLike(RoomId.key(prefix)) + "%";
    return db.use(pool -> pool.preparedQuery(Sql.SEARCH_USERS).execute(Tuple.of(pattern, limit))).map(rows -> {
      JsonArray users = new JsonArray();
      rows.forEach(row -> users.add(row.getString(0)));
      return new JsonObject().put("users", users);
    });
  }

  private static Account toAccount(Row row) {
    return new Account(row.getString(0), row.getString(1));
  }
}
