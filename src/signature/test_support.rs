//! Fixed keys and helpers shared by the signature tests (test builds only).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

/// An RSA-2048 PKCS#8 private key made with `openssl genpkey` for these tests.
pub(crate) const KEY_A_PRIVATE: &str = "\
-----BEGIN PRIVATE KEY-----\n\
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDNL5i+Scezpkwp\n\
dvf+2M+EYDOpjDcFZsL3Uy81ycAG4V06bFVGcutYCyrjyIhZBPnrfviqq+37ewfu\n\
nukmyyRGgARsrG5j+UIvxhAkIrdJjx+Q/WBqnqP1KhKx3hu2KMXMLhuGDEtKfKZc\n\
wwJEqFBgmRYFi8iMJXHNVR1rGrNBjsKzbbutrwZrRgdrRHdUcCv4aiG1E6uJumtk\n\
JXT59CbqY7jT198wD5KjhJ65rj4ef/KM+ndIrhvGUatvp0pQnn8gdbYnaToJsfX/\n\
0oDC/AEyNUjQKz+QZM2d//mCbyFV6NpQowtBYI+zEFhL9WpqaOu0u/2Ds99yca4a\n\
okEEtFTtAgMBAAECggEADdMz67hdagudrJqNPaDepJj1yin+KBFDODZk4y8njt8e\n\
8LmNalyCYnGIL4Zat4LIExfASgGhHJVu1KNk6r37wPtNsQPSQU6xaLYj7sdfCagI\n\
1LRZy31KZ1GxJkZkoBqxrx75MEhCR2/MJspl6/naRpPyAagoOFcqio7+VzHam6NT\n\
kDdCyGtY2ZIg7muQmGylnIc2i+jRS8BaqMNvaqOk66NmcgdkwG3olPHCy4wc7Y7k\n\
V9MXhgIZSPfxQ7Vqo9+2Fqe4cXddXkWlpdAb9LHBC+Z1im0sE3OSQIJErkQgLcDp\n\
Qiei+VbWqRBLmvK4D0GXAJYr1xf2QiKCCWcIIEHqkQKBgQD8Y5sCjuXEpF/Chi7q\n\
rJLBL8Q4DDyzFIB9TuhThMp2U+eTaPO4Qd47cwvmUFWxGyD/9/gXs/KqRZxkw/aq\n\
WT2uW0ZpTZKKm3RUnds6eCVbIWl0zXizBwUGjBzRBrHtlvfp+NqAvOcBYmhVNL4U\n\
p+FGSMmT00brEu0LGmYve7p8HQKBgQDQHxseXKbVZhVqpdWeDHNlAVQBVb3P8cLI\n\
lM5F/dzbHC8fWU4ruT0JR8lOJCiuE9xLMp29IZaRt9QXIzGGZbY+KTdLgbbd8nNC\n\
4wuX7nkms53fWeSYWzBmnEkJdxGhYdu0fr+Ieaxp9NPcHis0FAh27jg32Etd97qK\n\
+cunmWjDEQKBgQDz/Gpuh6vRdEHqcANM8/WO8llTAWlwiWJJQQ3RJ27+AtC8rVnm\n\
hy6J9AbN6F1er+Yv7QyWBWySdGbi9povRcQeGLixtb7zZaKI5m13UYxzU5J5yuRi\n\
1WdjU/HLlBhPoYEaW2sHxxXePb60mB8lIsHhSx4rXLSTLaGf+S5NuuOldQKBgDdZ\n\
7oZ2sdBTpCKHFHdCbHZSkhsAyMjDTcC3At1OlSyZJFc8EzRBwd/z/bAQodkaYx6E\n\
ybsBceAzee7lZ0iNSJjjsVcdmpsQ3mLNq8munP4UC0rZx5hVuFux+SLRThkTw7EP\n\
fLU5VwefG7GRPIBPS6kF1mHT3seRGUXZBbb/cANhAoGBAMqmLQy4pblHSuDacnAr\n\
xVlwI4hQD8nHOHwB3fOT1DfeUI9aoh+oON3IWzEYq28SqW7iaU03o9138JEP6xc8\n\
xK81SIQ6yuJdaFuCT/GOboBxkGBdeNdGT7e7ywqR4qJAdxxqpVEIna5XF3h6J5qT\n\
C9d5zaoitejeTlD/k9BpCo5V\n\
-----END PRIVATE KEY-----\n\
";
/// `KEY_A_PRIVATE`'s public key as SPKI PEM.
pub(crate) const KEY_A_PUBLIC: &str = "\
-----BEGIN PUBLIC KEY-----\n\
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAzS+YvknHs6ZMKXb3/tjP\n\
hGAzqYw3BWbC91MvNcnABuFdOmxVRnLrWAsq48iIWQT56374qqvt+3sH7p7pJssk\n\
RoAEbKxuY/lCL8YQJCK3SY8fkP1gap6j9SoSsd4btijFzC4bhgxLSnymXMMCRKhQ\n\
YJkWBYvIjCVxzVUdaxqzQY7Cs227ra8Ga0YHa0R3VHAr+GohtROribprZCV0+fQm\n\
6mO409ffMA+So4Seua4+Hn/yjPp3SK4bxlGrb6dKUJ5/IHW2J2k6CbH1/9KAwvwB\n\
MjVI0Cs/kGTNnf/5gm8hVejaUKMLQWCPsxBYS/VqamjrtLv9g7PfcnGuGqJBBLRU\n\
7QIDAQAB\n\
-----END PUBLIC KEY-----\n\
";
/// `KEY_A_PRIVATE`'s public key as PKCS#1 PEM.
pub(crate) const KEY_A_PKCS1: &str = "\
-----BEGIN RSA PUBLIC KEY-----\n\
MIIBCgKCAQEAzS+YvknHs6ZMKXb3/tjPhGAzqYw3BWbC91MvNcnABuFdOmxVRnLr\n\
WAsq48iIWQT56374qqvt+3sH7p7pJsskRoAEbKxuY/lCL8YQJCK3SY8fkP1gap6j\n\
9SoSsd4btijFzC4bhgxLSnymXMMCRKhQYJkWBYvIjCVxzVUdaxqzQY7Cs227ra8G\n\
a0YHa0R3VHAr+GohtROribprZCV0+fQm6mO409ffMA+So4Seua4+Hn/yjPp3SK4b\n\
xlGrb6dKUJ5/IHW2J2k6CbH1/9KAwvwBMjVI0Cs/kGTNnf/5gm8hVejaUKMLQWCP\n\
sxBYS/VqamjrtLv9g7PfcnGuGqJBBLRU7QIDAQAB\n\
-----END RSA PUBLIC KEY-----\n\
";
/// A second RSA-2048 key pair, the "wrong key".
#[allow(dead_code)]
pub(crate) const KEY_B_PRIVATE: &str = "\
-----BEGIN PRIVATE KEY-----\n\
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQC/AOuJK5aQkcei\n\
53ICghBcUh2BOczZJeR12nv3sPOQNSM6bj/ce2vOQpCKvSeiAo6sXxWMAMQXtCr6\n\
82VKy/obAGBFEX5mRwta4OoKdfN9B1ROyAkTZHC2UG0Whb4OhtRV1X51+1d50TwK\n\
GDqIv8CBm9L++RUMGPRQsyPwZc3C28l9goDKsMM3T9Bjn7NiT3ofqZUTgE+r9Vxo\n\
8/GswAVPkiX+vf7/O+fS/OqMxDIpL256425Y48L+f4Wh0H6811W0Td0s90ufnPkj\n\
0T+fOr4Kd7iW8qefTHK674e4TRUbLIqDS2l2Au2cDePFy6fctAqR1kz+cpV5aWdv\n\
tPQnWX8JAgMBAAECggEAFeLPmmSluIQTyY1WqYXoxQNdwSBz4g/u+TgjS1L53bTR\n\
CBF4/NUhmb1T3anmADDl00eD6wptbb/lyuKX4TW1P2HQJinmf2a1nOC3wKIaV+G+\n\
ndZa/99a8PEPRuzlRbnaW8l+V5uIvvskM43qKyA5uUA3MaMt77huSk70l8e6h5C/\n\
++3VpppWV48Jk4FPknLUTQeXZBkNYgUPsa1B4zvwkEMXB1FNeJ4FLVPzETojaoJv\n\
rjuEZq2Dfv0EQCOtbKcVLcOmi+Lt5XaHCjr2yFggC2nc+gacK5Gepq/oV2yoavH6\n\
pMi6dXQHrq55sPf0xFh17NNt6A/6h68Km1IeFHzpQQKBgQDgRP/2/zxjM7ux8Jqo\n\
aSZBGngkuoeZCWZ+HH76S4lFN/4mXccHyTqn2nwnRuhwm5a3K3+YeARn0Zr68L5v\n\
2UfNuMyVq/17DHR4Sq+dKSptDePHjP1RhvsGRUhFSaZPdXb3kyTV1/B6xw80YdkA\n\
VEpbgJD6tJpIQWX/pSx/YrcneQKBgQDaBwjD+MLEabvdC79XyV63/m4NyVWpLxi9\n\
GpFPYj4R0P098t8/Ae62PBC6pF3Jvysti8p+T6sbaN+6FrZ5CM3NdqCdV3AUtSpt\n\
5v0oX7QoTHin+G7ca8/fo8Z8L8oLMAz2B3kD8DZxcbOw7SfccpIA1whgm0pLw7H8\n\
/cwGtFbgEQKBgQDJGVYkly4BDkyJ/GPSC6d/zUpaNOCOO72p68d4jO8kIFdG8+Qa\n\
eTiddu7JEW4wO3Pj/59Eiqn4ph1AU0uQY9ddAw6AT17WTY7Kpr3eQSGH9GKBd01X\n\
I6BIOSva5XW53my1Bz6Kej1q+sAJiovZHbwnXJukEvodPHdHy0ahW1U8kQKBgQCm\n\
RPUHVp9Z4HSXN009qmDkmlDdjKwZ8MPB+w/T5U0Gk0V9R8m+qD+elCIB5DVuFK7d\n\
9hx/xUvtBEaSCJ4xoWgph40nULY15I8t7xkjABFJJkBhgJEy4blOiPxmWp+Pdp57\n\
xekg+sDaNObfR4y9jlYP8+z8l5DKRLxo/jfo6QDTsQKBgGy8nEWqve4puaZ1jCe3\n\
P+zGl7k2u0aFW0h4X+N8EsgsJfXp7ZEJkPe3DAYMsJfqtdyu8PenHvhY9/Xx3TJX\n\
wwzpOSWhiDKJq31WZm8fFSLjbiuQ+dc7wKyMmMIQUT7o0djpt6X/4tIVlmSmXoP9\n\
K/vEfu9i1ImOALN0jAkRmdOR\n\
-----END PRIVATE KEY-----\n\
";
/// `KEY_B_PRIVATE`'s public key as SPKI PEM.
pub(crate) const KEY_B_PUBLIC: &str = "\
-----BEGIN PUBLIC KEY-----\n\
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAvwDriSuWkJHHoudyAoIQ\n\
XFIdgTnM2SXkddp797DzkDUjOm4/3HtrzkKQir0nogKOrF8VjADEF7Qq+vNlSsv6\n\
GwBgRRF+ZkcLWuDqCnXzfQdUTsgJE2RwtlBtFoW+DobUVdV+dftXedE8Chg6iL/A\n\
gZvS/vkVDBj0ULMj8GXNwtvJfYKAyrDDN0/QY5+zYk96H6mVE4BPq/VcaPPxrMAF\n\
T5Il/r3+/zvn0vzqjMQyKS9ueuNuWOPC/n+FodB+vNdVtE3dLPdLn5z5I9E/nzq+\n\
Cne4lvKnn0xyuu+HuE0VGyyKg0tpdgLtnA3jxcun3LQKkdZM/nKVeWlnb7T0J1l/\n\
CQIDAQAB\n\
-----END PUBLIC KEY-----\n\
";
/// RFC 9421 appendix B.1.4 `test-key-ed25519`, public half (SPKI PEM).
pub(crate) const RFC_ED25519_PUBLIC: &str = "-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=
-----END PUBLIC KEY-----
";
/// RFC 9421 appendix B.1.4 `test-key-ed25519`, private half (PKCS#8 v1 PEM).
pub(crate) const RFC_ED25519_PRIVATE: &str = "-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF
-----END PRIVATE KEY-----
";
/// RFC 9421 appendix B.1.2 `test-key-rsa-pss`, public half (SPKI PEM).
pub(crate) const RFC_RSA_PSS_PUBLIC: &str = "-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAr4tmm3r20Wd/PbqvP1s2
+QEtvpuRaV8Yq40gjUR8y2Rjxa6dpG2GXHbPfvMs8ct+Lh1GH45x28Rw3Ry53mm+
oAXjyQ86OnDkZ5N8lYbggD4O3w6M6pAvLkhk95AndTrifbIFPNU8PPMO7OyrFAHq
gDsznjPFmTOtCEcN2Z1FpWgchwuYLPL+Wokqltd11nqqzi+bJ9cvSKADYdUAAN5W
Utzdpiy6LbTgSxP7ociU4Tn0g5I6aDZJ7A8Lzo0KSyZYoA485mqcO0GVAdVw9lq4
aOT9v6d+nb4bnNkQVklLQ3fVAvJm+xdDOp9LCNCN48V2pnDOkFV6+U9nV5oyc6XI
2wIDAQAB
-----END PUBLIC KEY-----
";

/// Our test actor's key id.
pub(crate) const KEY_ID: &str = "https://a.example/users/alice#main-key";

/// The signing key for `KEY_A_PRIVATE`.
pub(crate) fn key_a() -> crate::signature::SigningKey {
    crate::signature::SigningKey::from_pem(KEY_ID, KEY_A_PRIVATE).unwrap()
}

/// A header map from pairs (names lower-cased, as the caller provides them).
pub(crate) fn header_map<K: AsRef<str>, V: Into<String>>(
    pairs: impl IntoIterator<Item = (K, V)>,
) -> BTreeMap<String, String> {
    pairs
        .into_iter()
        .map(|(k, v)| (k.as_ref().to_ascii_lowercase(), v.into()))
        .collect()
}

/// A fixed "now" for tests: 2023-11-14T22:13:20Z.
pub(crate) fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_700_000_000, 0).unwrap()
}

/// Signs `message` with the RFC 9421 `test-key-ed25519`.
pub(crate) fn ed25519(base: &[u8]) -> Vec<u8> {
    let der = crate::signature::keys::decode_pem(RFC_ED25519_PRIVATE)
        .unwrap()
        .1;
    let pair = aws_lc_rs::signature::Ed25519KeyPair::from_pkcs8_maybe_unchecked(&der).unwrap();
    pair.sign(base).as_ref().to_vec()
}
