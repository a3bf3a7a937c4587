package signup.common.security;

import com.nimbusds.jose.jwk.ECKey;
import java.util.Optional;

/** Where the verifying side finds the public key of a {@code kid}. */
@FunctionalInterface
public interface PublicKeys {
  /**
   * The public key with this id, if the issuer publishes one.
   *
   * @throws KeysUnavailableException when the keys cannot be had right now and none are known
   */
  Optional<ECKey> find(String keyId);
}
