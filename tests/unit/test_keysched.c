/* Unit tests for HKDF and the TLS 1.3 key schedule (RFC 5869, RFC 8446 7.1)
 * against RFC 5869 test cases 1-3 and the example traces of the last draft of
 * RFC 8448 (draft-ietf-tls-tls13-vectors, September 2018): sections 3 (1-RTT),
 * 4 (resumed 0-RTT), 5 (HelloRetryRequest) and 6 (client authentication).
 * Every hex value below is copied from those documents. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/hex.h"
#include "keys/aead.h"
#include "keys/keys.h"

#include "rfc8448.h"

/* Named values for the chained schedules. */
static const char s3_client_ClientHello[] =
	"010000c003036660261ff947cea49cce6cfad687f457cf1b14531ba14131a0e8"
	"f309a1d0b9c4000006130113031302010000910000000b000900000673657276"
	"6572ff01000100000a00140012001d0017001800190100010101020103010400"
	"230000003300260024001d00204cfdfcd178b784bf328cae793b136f2aedce00"
	"5ff183d7bb1495207236647037002b0003020304000d0020001e040305030603"
	"020308040805080604010501060102010402050206020202002d00020101001c"
	"00024001";
static const char s3_early_secret[] =
	"33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a";
static const char s3_psk[] =
	"0000000000000000000000000000000000000000000000000000000000000000";
static const char s3_server_ServerHello[] =
	"0200005603031274991495cf425857262dde2299342c315afba9b64a87d55251"
	"5614e01b045d00130100002e00330024001d0020c7bb6bdfc26350b929a08a41"
	"a76ddac210b096868d960c4845987dc3a7fa650a002b00020304";
static const char s3_handshake_secret[] =
	"f2c66e28ed535dfb8721b7145ca51c8bc058514f79aa881d0d32cbe1341a2e45";
static const char s3_ecdhe[] =
	"1bea3fdfd25f94033804b68997a55d1931dc51124ad7f6e28959bb4672e3bd13";
static const char s3_c_hs_traffic[] =
	"d7c28b57a857e961b5bf3e1d7b18d02757c4f97acb66a23372e5a7f3d0a71e07";
static const char s3_c_hs_traffic_hash[] =
	"3d35f3eba0aabf5d9661236e3b5bb938fdc32f409cc27c55499e1f0baa3abd8f";
static const char s3_s_hs_traffic[] =
	"3031e9c2c26ecc154bc36826e87feeff8f4547df52596747b2dcabf92b18fb59";
static const char s3_master_secret[] =
	"a12970d9b27a3d59b6ecc1530d284073bd745ddc68d994e7a6ee70881b3d6da6";
static const char s3_server_EncryptedExtensions[] =
	"080000240022000a00140012001d00170018001901000101010201030104001c"
	"0002400100000000";
static const char s3_server_Certificate[] =
	"0b0001b9000001b50001b0308201ac30820115a003020102020102300d06092a"
	"864886f70d01010b0500300e310c300a06035504031303727361301e170d3136"
	"303733303031323335395a170d3236303733303031323335395a300e310c300a"
	"0603550403130372736130819f300d06092a864886f70d010101050003818d00"
	"30818902818100b4bb498f8279303d980836399b36c6988c0c68de55e1bdb826"
	"d3901a2461eafd2de49a91d015abbc9a95137ace6c1af19eaa6af98c7ced4312"
	"0998e187a80ee0ccb0524b1b018c3e0b63264d449a6d38e22a5fda4308467480"
	"30530ef0461c8ca9d9efbfae8ea6d1d03e2bd193eff0ab9a8002c47428a6d35a"
	"8d88d79f7f1e3f0203010001a31a301830090603551d1304023000300b060355"
	"1d0f0404030205a0300d06092a864886f70d01010b05000381810085aad2a0e5"
	"b9276b908c65f73a7267170618a54c5f8a7b337d2df7a594365417f2eae8f8a5"
	"8c8f8172f9319cf36b7fd6c55b80f21a03015156726096fd335e5e67f2dbf102"
	"702e608ccae6bec1fc63a42a99be5c3eb7107c3c54e9b9eb2bd5203b1c3b84e0"
	"a8b2f759409ba3eac9d91d402dcc0cc8f8961229ac9187b42b4de10000";
static const char s3_server_CertificateVerify[] =
	"0f00008408040080ace0af8e87d7c63cc9dbe7dcc12ff83bd55df0ccda9bf4e5"
	"a0f70100d9bc4d25aa684fd9d347642c942222526e163e3b0fba312b10e9b67e"
	"b0ac9c2be5fef490f81d7827e3bc12fa027ab439e71cc8459c14b94a8f3506ec"
	"44547d6c23e19cc7f9d5e0d1f595108fc240f5b0842c485a321487c4950377a5"
	"2e917294715567cd";
static const char s3_server_finished[] =
	"4c92b1b256d861a1830167827d3e288d1a76f03484e9ec886d4ff66149cbec2f";
static const char s3_server_Finished[] =
	"140000204c92b1b256d861a1830167827d3e288d1a76f03484e9ec886d4ff661"
	"49cbec2f";
static const char s3_c_ap_traffic[] =
	"2dca43b0ae13af89e9533d39b65dd25cc22df9e7afcaf082a76895a4da353b50";
static const char s3_c_ap_traffic_hash[] =
	"b285e2e2beb28adf85ce08112f7c4804cb52347a258edfa9c1bf31f7f808e8ce";
static const char s3_s_ap_traffic[] =
	"49033ff303eef5739d1376cb6d27ebd695733f3c3f617e7fc76d02a6fac6277f";
static const char s3_exp_master[] =
	"319b2e433f189fc5a1d81ea369e3af838cbecb0db8fffd5b9ab205afcdb999d9";
static const char s3_client_finished[] =
	"80a2c0d6cbc21078dba30affbf091929278edc832db4bfa1c811c9e8c67da9bb";
static const char s3_client_Finished[] =
	"1400002080a2c0d6cbc21078dba30affbf091929278edc832db4bfa1c811c9e8"
	"c67da9bb";
static const char s3_res_master[] =
	"a34be53b07ab35b8503d7626a7cad4966873ebdea135c4b2e4cd28e4b812ac54";
static const char s3_res_master_hash[] =
	"31a6e1ceae1e798050f53cac68662eededafcf279cab1c1838b935ffcebf4275";
static const char s3_resumption_psk[] =
	"cae5ce63ca4b2a7333a7cef44351eea4b6a0b6dabfe52e8fa8828c57602b807c";
static const char s3_ticket_nonce[] =
	"0000";
static const char s4_early_secret[] =
	"7926bf246b73dd7cf3aa5a75ec3dc91ae3a234c00565744af51697313a085fff";
static const char s4_psk[] =
	"cae5ce63ca4b2a7333a7cef44351eea4b6a0b6dabfe52e8fa8828c57602b807c";
static const char s4_binder_key[] =
	"1748d43e9e7001e862d45add841c85fa07bfdc7c68f099ac4f50735dfa29bfbc";
static const char s4_binder[] =
	"718cd8f22e8ed71d1a23f7c88f63d45487afe58157cbc57e66bd1323e41a8cd8";
static const char s4_ch_prefix[] =
	"010001fc0303750e184c0c28d365ffab68b74cb202fdb495ad19f527c6e6cebe"
	"c35b443b9b35000006130113031302010001cd0000000b000900000673657276"
	"6572ff01000100000a00140012001d0017001800190100010101020103010400"
	"3300260024001d00205839e32b2b0e47211ff3098d998ed0379a07b299b84658"
	"5b7fab62c61357d174002a0000002b0003020304000d0020001e040305030603"
	"020308040805080604010501060102010402050206020202002d00020101001c"
	"0002400100150057000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"2900dd00b800b2f35edae4e60404d6f40fa17f000000008393d163fb4f5f105f"
	"e2056caeb32ac7007070045931026db07d58dd58090d629af59ecb7fba353d5d"
	"9653a708fbcf0f515c1b82db6b08977179dfc684d22fcf7bd5c12222ab63ffd9"
	"d2bc46176d144ae98ad93416894822ac5064065f92995a6f052fa3a731703657"
	"817ea7a8de73148661768f7f62098fb45c0a9dde04a9cf1aa4206f13dd055df3"
	"ed5fa681bbf876e362ad9c0a68d2b5266c79aa806cbfe6113b933d0937";
static const char s4_binder_hash[] =
	"6fd17487908d45ca0bb7d5e5a968f94aa43296b3fd578d0c102540c380a23e68";
static const char s4_ch_wire[] =
	"010001fc0303750e184c0c28d365ffab68b74cb202fdb495ad19f527c6e6cebe"
	"c35b443b9b35000006130113031302010001cd0000000b000900000673657276"
	"6572ff01000100000a00140012001d0017001800190100010101020103010400"
	"3300260024001d00205839e32b2b0e47211ff3098d998ed0379a07b299b84658"
	"5b7fab62c61357d174002a0000002b0003020304000d0020001e040305030603"
	"020308040805080604010501060102010402050206020202002d00020101001c"
	"0002400100150057000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"2900dd00b800b2f35edae4e60404d6f40fa17f000000008393d163fb4f5f105f"
	"e2056caeb32ac7007070045931026db07d58dd58090d629af59ecb7fba353d5d"
	"9653a708fbcf0f515c1b82db6b08977179dfc684d22fcf7bd5c12222ab63ffd9"
	"d2bc46176d144ae98ad93416894822ac5064065f92995a6f052fa3a731703657"
	"817ea7a8de73148661768f7f62098fb45c0a9dde04a9cf1aa4206f13dd055df3"
	"ed5fa681bbf876e362ad9c0a68d2b5266c79aa806cbfe6113b933d0937002120"
	"718cd8f22e8ed71d1a23f7c88f63d45487afe58157cbc57e66bd1323e41a8cd8";
static const char s4_c_e_traffic[] =
	"c4196f87b65585b405a6ed59ba9ca31e468ac9b2c79477d449c559a44407197f";
static const char s4_c_e_traffic_hash[] =
	"d899c67dee77e998f6e881a3b14efe9387b1875dd8638dfbad8df14844e2b766";
static const char s4_e_exp_master[] =
	"374659e63055b71ba274739397a05b897628e4ea99dcb6ac15564d6a0dc904bc";
static const char s4_server_ServerHello[] =
	"0200005c0303f79e0c03e63dcb0fafdc441f79065e0409a2ef2360f3c6549682"
	"ffb72395f9d200130100003400290002000000330024001d00207abd53026c45"
	"bd7be12f6c4db9d226a9b1527a76c825c07722201a314ae90d21002b00020304";
static const char s4_handshake_secret[] =
	"0a4a82590a96141e59c0f7130049a24facd080d187f62bf606a897b01d75e09b";
static const char s4_ecdhe[] =
	"18d56663008e5df98a5c89577de96076e304383265de56ddb61184006bdf8545";
static const char s4_c_hs_traffic[] =
	"74739327edf99fadd88155fc8e9817a15ef1a3c5091c968bdf4a46201f6eecd8";
static const char s4_c_hs_traffic_hash[] =
	"8fa5117ce95d2b6fb824df54b34d1694d05483593472f379b94c52535ca9b5e8";
static const char s4_s_hs_traffic[] =
	"147abd48f114534ec0d6db3c8de5145aa90f668f8777fd373601bfe93be4c96e";
static const char s4_master_secret[] =
	"28bb7690352d2f3ce4ddab8351ede1220cd6b15a52a3dbd687963c11b0a24539";
static const char s4_server_EncryptedExtensions[] =
	"080000280026000a00140012001d00170018001901000101010201030104001c"
	"0002400100000000002a0000";
static const char s4_server_finished[] =
	"53a443557d4689dca951b67220f7937d36cf8dece83703cf96f6c3439e51b10d";
static const char s4_server_Finished[] =
	"1400002053a443557d4689dca951b67220f7937d36cf8dece83703cf96f6c343"
	"9e51b10d";
static const char s4_c_ap_traffic[] =
	"88fd0f44d5aaf631b161f43ba070884bce5f29151cb9c7ace17a9ce5cd0bb8f0";
static const char s4_c_ap_traffic_hash[] =
	"231b6b98c1e90d385de482d5d0f2944fcc9ac0b6ed9dac98e15b19f41f380e88";
static const char s4_s_ap_traffic[] =
	"67a047ad76e8db768134f62b98cdabbfd6bcf1232b898a313045881bdc72cdbb";
static const char s4_exp_master[] =
	"c58658af17f4d2cba048d48e5731abbe5eeb1a3196c19d4b6174389e5ed024db";
static const char s4_client_EndOfEarlyData[] =
	"05000000";
static const char s4_client_finished[] =
	"45d58949c2c20030c87ff17660c70cfe7160de345672142f709a8f8e31cb6096";
static const char s4_client_Finished[] =
	"1400002045d58949c2c20030c87ff17660c70cfe7160de345672142f709a8f8e"
	"31cb6096";
static const char s4_res_master[] =
	"899a395435cfc82589e72646e244fb4fd8a3987395c2e6ad1d148ccaa48823e2";
static const char s4_res_master_hash[] =
	"53dc097d6a868abb3913161efb94ded7c17cec9723309e5c92906097357268c5";
static const char s5_client_ClientHello[] =
	"010000b00303c05333f1e168f732427e91815a093c990115f161130c68e9be3e"
	"563610ee9487000006130113031302010000810000000b000900000673657276"
	"6572ff01000100000a00080006001d00170018003300260024001d0020f7dead"
	"1d79f3fd2379002489bbe689b3b16bbc419c812fa617a6fb0a99a17117002b00"
	"03020304000d0020001e04030503060302030804080508060401050106010201"
	"0402050206020202002d00020101001c00024001";
static const char s5_server_ServerHello[] =
	"020000ac0303cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e"
	"09e2c8a8339c001301000084003300020017002c00740072c8a457e4f6d9b8f4"
	"85a6fbb2000000000944e8ada9c6414d2412d66659d64678003023f9de457f1f"
	"09e31dd322cfe0dc9147b7dc3ec0c577b010a0b0a8f28784226e0f061797aa37"
	"e95da2c006d12af13e0745b0d04918d14d429a0d50808857736687baff6d07c4"
	"682a007c62c3cb4afcb3002b00020304";
static const char s5_client_ClientHello_2[] =
	"010001fc0303c05333f1e168f732427e91815a093c990115f161130c68e9be3e"
	"563610ee9487000006130113031302010001cd0000000b000900000673657276"
	"6572ff01000100000a00080006001d001700180033004700450017004104a8d6"
	"b4fc93bfb595d867814c45689f74708a33714a9340fe795d7958ef47fd56039b"
	"aa382032f78d4c4bca4f24f65560b53b1c076be41bcc099856758545a898002b"
	"0003020304000d0020001e040305030603020308040805080604010501060102"
	"010402050206020202002c00740072c8a457e4f6d9b8f485a6fbb20000000009"
	"44e8ada9c6414d2412d66659d64678003023f9de457f1f09e31dd322cfe0dc91"
	"47b7dc3ec0c577b010a0b0a8f28784226e0f061797aa37e95da2c006d12af13e"
	"0745b0d04918d14d429a0d50808857736687baff6d07c4682a007c62c3cb4afc"
	"b3002d00020101001c00024001001500af000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000";
static const char s5_early_secret[] =
	"33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a";
static const char s5_psk[] =
	"0000000000000000000000000000000000000000000000000000000000000000";
static const char s5_server_ServerHello_2[] =
	"020000770303609dd3f4138c66761c3727cd0f34f183b3b9cf192a803901f6da"
	"ebd0d6f3a00e00130100004f0033004500170041045d8b37a392a9a1ffc6eddd"
	"d6a17292dd97e65d56585f78ee7ee926c59e00eae233d108a2779fb1f09c29c4"
	"7709da29592e13054f9d53c1d58d806b36da0a2337002b00020304";
static const char s5_handshake_secret[] =
	"65fa34a281a47f54a9852cdfdaa044483bdc56e73eb8910d9480b5299d25beef";
static const char s5_ecdhe[] =
	"3188db87f5fedb1a049be816be7d60a83315246fbb7c3f5eafbe534a5ccd32b9";
static const char s5_c_hs_traffic[] =
	"283b461617de926092bef1ff41848243da408623c79b3a445f200a3131070da3";
static const char s5_c_hs_traffic_hash[] =
	"ca8a72ef2b55549535845527ff145a0a5d97795b238051f55068a5d769a59925";
static const char s5_s_hs_traffic[] =
	"da33aa635f66b569e821593a7d77c9aac9643f53af8a77f8c5f74d9194596009";
static const char s5_master_secret[] =
	"2af46f9030daf87dcff54ba58f97bdccc873efbe22768a540991438c191702bf";
static const char s5_server_EncryptedExtensions[] =
	"080000180016000a0008000600170018001d001c0002400100000000";
static const char s5_server_Certificate[] =
	"0b0001b9000001b50001b0308201ac30820115a003020102020102300d06092a"
	"864886f70d01010b0500300e310c300a06035504031303727361301e170d3136"
	"303733303031323335395a170d3236303733303031323335395a300e310c300a"
	"0603550403130372736130819f300d06092a864886f70d010101050003818d00"
	"30818902818100b4bb498f8279303d980836399b36c6988c0c68de55e1bdb826"
	"d3901a2461eafd2de49a91d015abbc9a95137ace6c1af19eaa6af98c7ced4312"
	"0998e187a80ee0ccb0524b1b018c3e0b63264d449a6d38e22a5fda4308467480"
	"30530ef0461c8ca9d9efbfae8ea6d1d03e2bd193eff0ab9a8002c47428a6d35a"
	"8d88d79f7f1e3f0203010001a31a301830090603551d1304023000300b060355"
	"1d0f0404030205a0300d06092a864886f70d01010b05000381810085aad2a0e5"
	"b9276b908c65f73a7267170618a54c5f8a7b337d2df7a594365417f2eae8f8a5"
	"8c8f8172f9319cf36b7fd6c55b80f21a03015156726096fd335e5e67f2dbf102"
	"702e608ccae6bec1fc63a42a99be5c3eb7107c3c54e9b9eb2bd5203b1c3b84e0"
	"a8b2f759409ba3eac9d91d402dcc0cc8f8961229ac9187b42b4de10000";
static const char s5_server_CertificateVerify[] =
	"0f000084080400803eebe4ed9e963ff985631ab1717ab1c13ae32bac5acbccb6"
	"9f38cf776d9ef1060127a9c05cb850f7c01312693bf13a94af9d223ce45c5460"
	"6e72ff0975a1399c21258ace40dd3804adfc19d58b39f9cf03d61bed43953124"
	"9f07d4bba3ad5a19af45d5e79d51d627877628cf7592da0a198062f75757dc47"
	"485d1bad99aca763";
static const char s5_server_finished[] =
	"53a1537c8090112a9b29735f43d06bb1e9af915c7a587a1542a2f18456c01bb6";
static const char s5_server_Finished[] =
	"1400002053a1537c8090112a9b29735f43d06bb1e9af915c7a587a1542a2f184"
	"56c01bb6";
static const char s5_c_ap_traffic[] =
	"3c7a21912047af944c1668a9e31953af4bfb32685aca3c4a34769041c3978084";
static const char s5_c_ap_traffic_hash[] =
	"680d6ab7a073a74ec9a62a64e7478f2d6550fa0c657b3e0280c4af8a0e5021b9";
static const char s5_s_ap_traffic[] =
	"0d0f550ce40f648a1fee8977f6954eaffa58f1cdd02093bb2418441b52628913";
static const char s5_exp_master[] =
	"adabe284c9f1af6873cf2cf1612847ec817c8d5f2b64f6de76e7be9e895fbfee";
static const char s5_client_finished[] =
	"0e1504631ac546cd682f3720266675959469403050825e5d14ae453b07384b31";
static const char s5_client_Finished[] =
	"140000200e1504631ac546cd682f3720266675959469403050825e5d14ae453b"
	"07384b31";
static const char s5_res_master[] =
	"5a3c5d8ed25cb13bd376a7b9012eb93c47cb1946b6caff78f5ab2ef5f19e4519";
static const char s5_res_master_hash[] =
	"ffcf49ea1387ffb6649159bf3d2be0226943b8287b096eeaf154937a21b76055";
static const char s6_client_ClientHello[] =
	"010000bc0303c141f6850063dfa8609a25962e9b9a820ba7778adc50953ac2a6"
	"9cd304780f130000061301130313020100008d0000000b000900000673657276"
	"6572ff01000100000a00140012001d0017001800190100010101020103010400"
	"3300260024001d00208797aae7a09bb2c11a727d658d23b6b81f103ae658113b"
	"20d8081664efba5c07002b0003020304000d0020001e04030503060302030804"
	"0805080604010501060102010402050206020202002d00020101001c00024001";
static const char s6_early_secret[] =
	"33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a";
static const char s6_psk[] =
	"0000000000000000000000000000000000000000000000000000000000000000";
static const char s6_server_ServerHello[] =
	"02000056030372aee1ac0dfe2c69fc852576b2b2a69a8d5fd45387d8d76b34d9"
	"a0c2580eef2500130100002e00330024001d002036ba81e8649a3d8668982086"
	"1adb6f51267ba7b19f78eede04a9379957428631002b00020304";
static const char s6_handshake_secret[] =
	"b5271d43049bab322b642e5a63f1fac1eb4f2114d8b57c3a38f4f7a3357e86b5";
static const char s6_ecdhe[] =
	"9629f1f665aa4b89ecefa53f6105d3194f92b4632a3656616ca1a39386368a16";
static const char s6_c_hs_traffic[] =
	"a7234f1d426aa04c0ab8f080c7a35d95b335c6cadc247e9947ba8e326ff52334";
static const char s6_c_hs_traffic_hash[] =
	"f719cbf5831ca2d113b533eea0d239ddaaf905975b88f3fdfbf5d13172bcfd7f";
static const char s6_s_hs_traffic[] =
	"8fcb832a5a3cc5f2a152455b05594ddf27c4bd2cfa66f2dc1b71c4326956c187";
static const char s6_master_secret[] =
	"fa1ce84cdeabebb401507ba88eaa988a32e49afd8b4c6a1a6c7728b668a38859";
static const char s6_server_EncryptedExtensions[] =
	"080000240022000a00140012001d00170018001901000101010201030104001c"
	"0002400100000000";
static const char s6_server_CertificateRequest[] =
	"0d000027000024000d0020001e04030503060302030804080508060401050106"
	"0102010402050206020202";
static const char s6_server_Certificate[] =
	"0b00013b000001370001323082012e3081d5a003020102020107300a06082a86"
	"48ce3d04030230133111300f060355040313086563647361323536301e170d31"
	"36303733303031323430305a170d3236303733303031323430305a3013311130"
	"0f0603550403130865636473613235363059301306072a8648ce3d020106082a"
	"8648ce3d0301070342000408d530161575f4cfe7f154ee3448180086001e8843"
	"1a79ee62ee6e2f83ef38ba61e9fb37f34e007a7df4d2f5b56d1f04ece45d621f"
	"468406f5c3a15158948dd0a31a301830090603551d1304023000300b0603551d"
	"0f040403020780300a06082a8648ce3d0403020348003045022100df30fd4507"
	"f5edd22c1a6ff86db479ca693feeca3b71b3f9ef556b2937c0594d022062e2a4"
	"7250d320fea83c7e2dcb5b76a50e0200c09adbd13fee946e513e011d110000";
static const char s6_server_CertificateVerify[] =
	"0f00004a04030046304402202db4567831312879703ffa3d6e65f2990e097b7b"
	"16b48c3fc47230080d75383c0220525654b97e703bebfd5a16c2eda7059e7f56"
	"71ff103602fddc670fea14636fdd";
static const char s6_server_finished[] =
	"9ae794c42226376b4cff6904015f10f2332312ba2899b8d7ba4e7db515e507f4";
static const char s6_server_Finished[] =
	"140000209ae794c42226376b4cff6904015f10f2332312ba2899b8d7ba4e7db5"
	"15e507f4";
static const char s6_c_ap_traffic[] =
	"64aec1a73003f61ebe79329453da5f54bfb4fb423b1a5a8387e9366ca73eef83";
static const char s6_c_ap_traffic_hash[] =
	"0827bd708539f80f8355197f0c0b1cc864b4f040beddc301d1754cfbcca986d4";
static const char s6_s_ap_traffic[] =
	"928ba795b9ae8dc48ba53737db974455bdb06164047c4c02ffcb21fa03172faf";
static const char s6_exp_master[] =
	"3419b4f2e3374af842141e40770939b1100c5cdaa2d719fabdecb60f16e86337";
static const char s6_client_Certificate[] =
	"0b0001bf000001bb0001b6308201b23082011ba003020102020101300d06092a"
	"864886f70d01010b05003011310f300d06035504031306636c69656e74301e17"
	"0d3136303733303031323335395a170d3236303733303031323335395a301131"
	"0f300d06035504031306636c69656e7430819f300d06092a864886f70d010101"
	"050003818d0030818902818100c38175e004a68d093f823b9c379d201fbc0bb7"
	"a1c791905e3fbf76847e44e751ebbcd360bd945c81e5222bcc8846d3a8a0f93e"
	"9bf5bebabd92edf1de1ff19021703e7ab6c0901513f97e39b111f09c9348971c"
	"7b211984a754cd45fe095af0ea4236829bccf7a7fe9b2888e78ab477690a5b9e"
	"1ccbe91c6a4a0f97a7e02842010203010001a31a301830090603551d13040230"
	"00300b0603551d0f040403020780300d06092a864886f70d01010b0500038181"
	"001a7a5a018532b022af0767d486160cff2d167a1915d23835b54594916dc680"
	"be5d2e626076c5d52722ebcc775d7d99f980be2fc94d34acf6cc00ba90cbcfb0"
	"608aa1e7e3971ef0c07a41d47ad8345d1f81fe418a1cf41054429fd217bd777d"
	"c1cf08f05df90799c659361e0f1a8ee4ac0f7897420bdbc823da80a2f2ba2308"
	"1c0000";
static const char s6_client_CertificateVerify[] =
	"0f0000840804008057ad47d96c1697397350d521b35f9a46973ac0109314be64"
	"5ebb20bb04893189be340a03baf87dc4da6a805e015292c4dabc85a3362a04c6"
	"546ee8ce8a5e9b016ce9e1432ff089034bbc6b6037d872fb472f4217b64453bb"
	"600ac3c9df355b0cc1c252ad6cb895a3ed7af6f36c7d7a6080ffdc95fa4d8449"
	"bfd4e00a0e6acf1e";
static const char s6_client_finished[] =
	"31a51eacdf4f60a1fe37e8fbd57a8933faf16e65b07d245897146a283a5100ed";
static const char s6_client_Finished[] =
	"1400002031a51eacdf4f60a1fe37e8fbd57a8933faf16e65b07d245897146a28"
	"3a5100ed";
static const char s6_res_master[] =
	"143d7c34e866952741b29051485a39fcdfc4594f6c7b39a56da13a612ef85371";
static const char s6_res_master_hash[] =
	"7a05b22e52bc248b166b2ddf75249e5d607f98332ede691c80afa21967eaa255";

#define SHA256 HASH_SHA256

/* Decode a hex fact into a fresh buffer. */
static uint8_t *unhex(const char *h, size_t *n)
{
	size_t len = strlen(h);
	uint8_t *b = malloc(len / 2 + 1);
	int rc;

	assert_non_null(b);
	rc = hex_decode(h, len, b, len / 2 + 1);
	assert_true(rc >= 0);
	if (n)
		*n = (size_t)rc;
	return b;
}

/* Compare bytes with a hex fact. */
static void assert_hex(const uint8_t *got, size_t n, const char *want)
{
	char *g = hex_dup(got, n);

	assert_non_null(g);
	assert_string_equal(g, want);
	free(g);
}

/* Transcript-Hash of the concatenated messages (hex). */
static void transcript(const char *const *msgs, size_t n, uint8_t out[32])
{
	size_t total = 0, off = 0;
	uint8_t *buf;

	for (size_t i = 0; i < n; i++)
		total += strlen(msgs[i]) / 2;
	buf = malloc(total + 1);
	assert_non_null(buf);
	for (size_t i = 0; i < n; i++) {
		int rc = hex_decode(msgs[i], strlen(msgs[i]), buf + off, total - off);

		assert_true(rc >= 0);
		off += (size_t)rc;
	}
	assert_int_equal(hash_digest(SHA256, buf, off, out), 0);
	free(buf);
}

/* RFC 5869 appendix A.1-A.3 (SHA-256). */
static void test_rfc5869(void **state)
{
	static const struct {
		const char *ikm, *salt, *info, *prk, *okm;
	} v[] = {
		{ "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "000102030405060708090a0b0c",
		  "f0f1f2f3f4f5f6f7f8f9",
		  "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
		  "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
		  "34007208d5b887185865" },
		{ "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
		  "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
		  "404142434445464748494a4b4c4d4e4f",
		  "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
		  "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
		  "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf",
		  "b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecf"
		  "d0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeef"
		  "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
		  "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
		  "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
		  "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
		  "cc30c58179ec3e87c14c01d5c1f3434f1d87" },
		{ "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "", "",
		  "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
		  "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
		  "9d201395faa4b61a96c8" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		size_t ikml, saltl, infol, okml;
		uint8_t *ikm = unhex(v[i].ikm, &ikml), *salt = unhex(v[i].salt, &saltl);
		uint8_t *info = unhex(v[i].info, &infol), *okm = unhex(v[i].okm, &okml);
		uint8_t prk[32], out[128];

		assert_int_equal(hkdf_extract(SHA256, saltl ? salt : NULL, saltl, ikm, ikml, prk), 0);
		assert_hex(prk, 32, v[i].prk);
		assert_int_equal(hkdf_expand(SHA256, prk, 32, info, infol, out, okml), 0);
		assert_memory_equal(out, okm, okml);
		free(ikm), free(salt), free(info), free(okm);
	}
}

/* HKDF-Expand limits: 255 * HashLen is the most, one more is refused. */
static void test_expand_limits(void **state)
{
	static uint8_t big[255 * 32 + 1];
	uint8_t prk[32] = { 1 };

	(void)state;
	assert_int_equal(hkdf_expand(SHA256, prk, 32, NULL, 0, big, 255 * 32), 0);
	assert_int_equal(hkdf_expand(SHA256, prk, 32, NULL, 0, big, 255 * 32 + 1), ERR_LENGTH);
	assert_int_equal(hkdf_expand(SHA256, prk, 32, NULL, 0, big, 0), 0);
	assert_int_equal(hkdf_expand(HASH_SHA1, prk, 20, NULL, 0, big, 1), ERR_UNSUPPORTED);
	/* a label that with "tls13 " exceeds 255 bytes */
	{
		char label[251];

		memset(label, 'a', sizeof label - 1);
		label[sizeof label - 1] = '\0';
		assert_int_equal(hkdf_expand_label(SHA256, prk, 32, label, NULL, 0, big, 32),
				 ERR_LENGTH);
		label[249] = '\0'; /* 249 + 6 = 255: allowed */
		assert_int_equal(hkdf_expand_label(SHA256, prk, 32, label, NULL, 0, big, 32), 0);
	}
}

/* Every Extract / Derive-Secret / key / IV / finished_key / binder /
 * resumption step listed in the traces. */
static void test_trace_steps(void **state)
{
	const struct suite *s = suite_find(0x1301);
	size_t checked = 0;

	(void)state;
	assert_non_null(s);
	for (size_t i = 0; i < sizeof tsteps / sizeof tsteps[0]; i++) {
		const struct tstep *t = &tsteps[i];
		size_t al, bl, cl, dl;
		uint8_t *a = unhex(t->a, &al), *b = unhex(t->b, &bl);
		uint8_t *c = unhex(t->c, &cl), *d = unhex(t->d, &dl);
		uint8_t out[64], out2[64];

		switch (t->kind) {
		case T_EXTRACT:
			assert_int_equal(hkdf_extract(SHA256, al ? a : NULL, al, b, bl, out), 0);
			assert_memory_equal(out, c, 32);
			break;
		case T_DERIVE:
			assert_int_equal(bl, 32);
			assert_int_equal(keysched_tls13_derive_secret(SHA256, a, t->label, b, out), 0);
			assert_memory_equal(out, c, 32);
			break;
		case T_TRAFFIC:
			assert_int_equal(keysched_tls13_traffic(s, a, out, out2), 0);
			assert_int_equal(cl, 16);
			assert_int_equal(dl, 12);
			assert_memory_equal(out, c, 16);
			assert_memory_equal(out2, d, 12);
			break;
		case T_FINISHED:
			assert_int_equal(keysched_tls13_finished_key(SHA256, a, out), 0);
			assert_memory_equal(out, c, 32);
			break;
		case T_BINDER:
			assert_int_equal(keysched_tls13_finished_key(SHA256, a, out), 0);
			assert_memory_equal(out, c, 32);
			assert_int_equal(keysched_tls13_finished(SHA256, a, b, out), 0);
			assert_memory_equal(out, d, 32);
			break;
		case T_RESUMPTION:
			assert_int_equal(keysched_tls13_resumption_psk(SHA256, a, b, bl, out), 0);
			assert_memory_equal(out, c, 32);
			break;
		}
		checked++;
		free(a), free(b), free(c), free(d);
	}
	assert_int_equal(checked, 77);
}

/* Decrypt every protected record of the traces in order, one protect state
 * per (section, sender, key phase), so sequence numbers advance as on the wire. */
static void trace_records(const struct aead_backend *b)
{
	struct {
		int sec;
		const char *sender, *phase;
		struct protect p;
	} dirs[32];
	size_t ndirs = 0, opened = 0;
	const struct suite *s = suite_find(0x1301);

	for (size_t i = 0; i < sizeof trecs / sizeof trecs[0]; i++) {
		const struct trec *r = &trecs[i];
		struct protect *p = NULL;
		struct protect_result res;
		size_t rl, pl, sl;
		uint8_t *rec = unhex(r->record, &rl), *plain = unhex(r->plain, &pl);
		uint8_t *secret = unhex(r->secret, &sl), *out = malloc(rl);

		for (size_t j = 0; j < ndirs; j++)
			if (dirs[j].sec == r->sec && strcmp(dirs[j].sender, r->sender) == 0 &&
			    strcmp(dirs[j].phase, r->phase) == 0)
				p = &dirs[j].p;
		if (!p) {
			assert_true(ndirs < 32);
			dirs[ndirs].sec = r->sec;
			dirs[ndirs].sender = r->sender;
			dirs[ndirs].phase = r->phase;
			p = &dirs[ndirs++].p;
			assert_int_equal(protect_init_tls13(p, s, secret), 0);
			p->backend = b;
		}
		assert_int_equal(rl, 5 + ((size_t)rec[3] << 8 | rec[4]));
		assert_int_equal(protect_open(p, rec, rec + 5, rl - 5, out, rl, &res), 0);
		assert_int_equal(res.plain_len, pl);
		assert_memory_equal(out, plain, pl);
		assert_int_equal(res.inner_type, r->inner_type);
		assert_int_equal(res.padding_len, 0);
		assert_int_equal(res.tag_len, 16);
		assert_int_equal(res.tag_off, rl - 5 - 16);
		assert_int_equal(res.nonce_len, 0);
		opened++;
		free(rec), free(plain), free(secret), free(out);
	}
	assert_int_equal(opened, 23);
	for (size_t j = 0; j < ndirs; j++)
		protect_wipe(&dirs[j].p);
}

/* The traces' records through each record-protection backend built in. */
static void test_trace_records(void **state)
{
	(void)state;
	trace_records(&aead_backend_wolfcrypt);
#ifdef TLSVIZ_HAVE_GCRYPT
	trace_records(&aead_backend_gcrypt);
#endif
}

/* A record of the trace with a flipped byte (header, body, tag) fails;
 * the sequence number advances anyway. */
static void test_trace_tamper(void **state)
{
	const struct trec *r = &trecs[0];
	const struct suite *s = suite_find(0x1301);
	size_t rl, sl;
	uint8_t *rec = unhex(r->record, &rl), *secret = unhex(r->secret, &sl);
	uint8_t *out = malloc(rl);
	size_t where[] = { 2, 5, rl / 2, rl - 1 };
	struct protect_result res;

	(void)state;
	for (size_t i = 0; i < sizeof where / sizeof where[0]; i++) {
		struct protect p;

		assert_int_equal(protect_init_tls13(&p, s, secret), 0);
		rec[where[i]] ^= 0x01;
		assert_int_equal(protect_open(&p, rec, rec + 5, rl - 5, out, rl, &res), ERR_AUTH);
		assert_int_equal(p.seq, 1);
		rec[where[i]] ^= 0x01;
		/* the untouched record at seq 1 no longer authenticates either */
		assert_int_equal(protect_open(&p, rec, rec + 5, rl - 5, out, rl, &res), ERR_AUTH);
		p.seq = 0;
		assert_int_equal(protect_open(&p, rec, rec + 5, rl - 5, out, rl, &res), 0);
		protect_wipe(&p);
	}
	free(rec), free(secret), free(out);
}

/* Walk one section's schedule from its inputs: the (EC)DHE shared secret,
 * the PSK (or zeros) and the handshake messages. */
struct chain {
	const char *psk, *ecdhe;
	const char *const *msgs; /* in transcript order */
	size_t n_to_sh, n_before_sfin, n_to_sfin, n_before_cfin, n_all;
	const char *early, *hs, *c_hs, *s_hs, *master, *c_ap, *s_ap, *exp, *res;
	const char *c_hs_hash, *c_ap_hash, *res_hash, *s_fin, *c_fin;
};

static void run_chain(const struct chain *c)
{
	size_t pl, el;
	uint8_t *psk = unhex(c->psk, &pl), *ecdhe = unhex(c->ecdhe, &el);
	uint8_t early[32], hs[32], ms[32], th[32], x[32], chs[32], shs[32], cap[32];

	assert_int_equal(keysched_tls13_early_secret(SHA256, psk, pl, early), 0);
	assert_hex(early, 32, c->early);
	assert_int_equal(keysched_tls13_handshake_secret(SHA256, early, ecdhe, el, hs), 0);
	assert_hex(hs, 32, c->hs);
	transcript(c->msgs, c->n_to_sh, th);
	assert_hex(th, 32, c->c_hs_hash);
	assert_int_equal(keysched_tls13_derive_secret(SHA256, hs, "c hs traffic", th, chs), 0);
	assert_hex(chs, 32, c->c_hs);
	assert_int_equal(keysched_tls13_derive_secret(SHA256, hs, "s hs traffic", th, shs), 0);
	assert_hex(shs, 32, c->s_hs);
	assert_int_equal(keysched_tls13_master_secret(SHA256, hs, ms), 0);
	assert_hex(ms, 32, c->master);
	transcript(c->msgs, c->n_before_sfin, th);
	assert_int_equal(keysched_tls13_finished(SHA256, shs, th, x), 0);
	assert_hex(x, 32, c->s_fin);
	transcript(c->msgs, c->n_to_sfin, th);
	assert_hex(th, 32, c->c_ap_hash);
	assert_int_equal(keysched_tls13_derive_secret(SHA256, ms, "c ap traffic", th, cap), 0);
	assert_hex(cap, 32, c->c_ap);
	assert_int_equal(keysched_tls13_derive_secret(SHA256, ms, "s ap traffic", th, x), 0);
	assert_hex(x, 32, c->s_ap);
	assert_int_equal(keysched_tls13_derive_secret(SHA256, ms, "exp master", th, x), 0);
	assert_hex(x, 32, c->exp);
	transcript(c->msgs, c->n_before_cfin, th);
	assert_int_equal(keysched_tls13_finished(SHA256, chs, th, x), 0);
	assert_hex(x, 32, c->c_fin);
	transcript(c->msgs, c->n_all, th);
	assert_hex(th, 32, c->res_hash);
	assert_int_equal(keysched_tls13_derive_secret(SHA256, ms, "res master", th, x), 0);
	assert_hex(x, 32, c->res);
	free(psk), free(ecdhe);
}

/* Section 3: simple 1-RTT handshake, and the ticket's PSK. */
static void test_chain_1rtt(void **state)
{
	static const char *const msgs[] = {
		s3_client_ClientHello, s3_server_ServerHello, s3_server_EncryptedExtensions,
		s3_server_Certificate, s3_server_CertificateVerify, s3_server_Finished,
		s3_client_Finished,
	};
	struct chain c = { s3_psk, s3_ecdhe, msgs, 2, 5, 6, 6, 7,
			   s3_early_secret, s3_handshake_secret, s3_c_hs_traffic,
			   s3_s_hs_traffic, s3_master_secret, s3_c_ap_traffic,
			   s3_s_ap_traffic, s3_exp_master, s3_res_master,
			   s3_c_hs_traffic_hash, s3_c_ap_traffic_hash, s3_res_master_hash,
			   s3_server_finished, s3_client_finished };
	uint8_t *res, *nonce, psk[32];
	size_t rl, nl;

	(void)state;
	run_chain(&c);
	res = unhex(s3_res_master, &rl);
	nonce = unhex(s3_ticket_nonce, &nl);
	assert_int_equal(keysched_tls13_resumption_psk(SHA256, res, nonce, nl, psk), 0);
	assert_hex(psk, 32, s3_resumption_psk);
	/* the next section resumes with exactly this PSK */
	assert_string_equal(s3_resumption_psk, s4_psk);
	free(res), free(nonce);
	assert_int_equal(strcmp(s3_psk, "0000000000000000000000000000000000000000000000000000000000000000"), 0);
	{ /* no PSK given: the same early secret as 32 zero bytes */
		uint8_t e[32];

		assert_int_equal(keysched_tls13_early_secret(SHA256, NULL, 0, e), 0);
		assert_hex(e, 32, s3_early_secret);
	}
}

/* Section 4: resumed 0-RTT: binder key, binder, early traffic secrets. */
static void test_chain_0rtt(void **state)
{
	static const char *const msgs[] = {
		s4_ch_wire, s4_server_ServerHello, s4_server_EncryptedExtensions,
		s4_server_Finished, s4_client_EndOfEarlyData, s4_client_Finished,
	};
	struct chain c = { s4_psk, s4_ecdhe, msgs, 2, 3, 4, 5, 6,
			   s4_early_secret, s4_handshake_secret, s4_c_hs_traffic,
			   s4_s_hs_traffic, s4_master_secret, s4_c_ap_traffic,
			   s4_s_ap_traffic, s4_exp_master, s4_res_master,
			   s4_c_hs_traffic_hash, s4_c_ap_traffic_hash, s4_res_master_hash,
			   s4_server_finished, s4_client_finished };
	/* the ClientHello as sent, with the binder (the trace's "construct"
	 * step lists the prefix without binders) */
	const char *const ch[] = { s4_ch_wire };
	const char *const prefix[] = { s4_ch_prefix };
	uint8_t *psk, early[32], bk[32], th[32], x[32];
	size_t pl;

	(void)state;
	run_chain(&c);
	psk = unhex(s4_psk, &pl);
	assert_int_equal(keysched_tls13_early_secret(SHA256, psk, pl, early), 0);
	assert_int_equal(keysched_tls13_derive_secret(SHA256, early, "res binder", NULL, bk), 0);
	assert_hex(bk, 32, s4_binder_key);
	transcript(prefix, 1, th);
	assert_hex(th, 32, s4_binder_hash);
	assert_int_equal(keysched_tls13_finished(SHA256, bk, th, x), 0);
	assert_hex(x, 32, s4_binder);
	assert_string_equal(s4_ch_wire + strlen(s4_ch_wire) - 64, s4_binder);
	assert_memory_equal(s4_ch_wire, s4_ch_prefix, strlen(s4_ch_prefix));
	transcript(ch, 1, th);
	assert_hex(th, 32, s4_c_e_traffic_hash);
	assert_int_equal(keysched_tls13_derive_secret(SHA256, early, "c e traffic", th, x), 0);
	assert_hex(x, 32, s4_c_e_traffic);
	assert_int_equal(keysched_tls13_derive_secret(SHA256, early, "e exp master", th, x), 0);
	assert_hex(x, 32, s4_e_exp_master);
	free(psk);
}

/* Section 5: HelloRetryRequest: ClientHello1 is replaced in the transcript by
 * message_hash = 0xfe 00 00 20 || Hash(ClientHello1) (RFC 8446 4.4.1). */
static void test_chain_hrr(void **state)
{
	const char *const ch1[] = { s5_client_ClientHello };
	uint8_t h1[32];
	char mh[2 * 36 + 1] = "fe000020";
	const char *msgs[] = {
		mh, s5_server_ServerHello, s5_client_ClientHello_2, s5_server_ServerHello_2,
		s5_server_EncryptedExtensions, s5_server_Certificate,
		s5_server_CertificateVerify, s5_server_Finished, s5_client_Finished,
	};
	struct chain c = { s5_psk, s5_ecdhe, msgs, 4, 7, 8, 8, 9,
			   s5_early_secret, s5_handshake_secret, s5_c_hs_traffic,
			   s5_s_hs_traffic, s5_master_secret, s5_c_ap_traffic,
			   s5_s_ap_traffic, s5_exp_master, s5_res_master,
			   s5_c_hs_traffic_hash, s5_c_ap_traffic_hash, s5_res_master_hash,
			   s5_server_finished, s5_client_finished };

	(void)state;
	transcript(ch1, 1, h1);
	hex_encode(h1, 32, mh + 8);
	/* the HRR is a ServerHello with the special random */
	assert_memory_equal(s5_server_ServerHello + 12, "cf21ad74e59a6111be1d8c021e65b891", 32);
	run_chain(&c);
}

/* Section 6: client authentication: the client's Certificate and
 * CertificateVerify precede its Finished. */
static void test_chain_client_auth(void **state)
{
	static const char *const msgs[] = {
		s6_client_ClientHello, s6_server_ServerHello, s6_server_EncryptedExtensions,
		s6_server_CertificateRequest, s6_server_Certificate,
		s6_server_CertificateVerify, s6_server_Finished, s6_client_Certificate,
		s6_client_CertificateVerify, s6_client_Finished,
	};
	struct chain c = { s6_psk, s6_ecdhe, msgs, 2, 6, 7, 9, 10,
			   s6_early_secret, s6_handshake_secret, s6_c_hs_traffic,
			   s6_s_hs_traffic, s6_master_secret, s6_c_ap_traffic,
			   s6_s_ap_traffic, s6_exp_master, s6_res_master,
			   s6_c_hs_traffic_hash, s6_c_ap_traffic_hash, s6_res_master_hash,
			   s6_server_finished, s6_client_finished };

	(void)state;
	run_chain(&c);
}

/* KeyUpdate: the next secret is HKDF-Expand-Label(secret, "traffic upd", "", 32);
 * checked against HKDF-Expand with the HkdfLabel written out by hand. */
static void test_key_update(void **state)
{
	size_t sl;
	uint8_t *sec = unhex(s3_c_ap_traffic, &sl), next[32], want[32];
	/* uint16 32 || uint8 17 || "tls13 traffic upd" || uint8 0 */
	static const uint8_t info[] = { 0x00, 0x20, 0x11, 't', 'l', 's', '1', '3', ' ',
					't', 'r', 'a', 'f', 'f', 'i', 'c', ' ', 'u',
					'p', 'd', 0x00 };

	(void)state;
	assert_int_equal(keysched_tls13_update(SHA256, sec, next), 0);
	assert_int_equal(hkdf_expand(SHA256, sec, 32, info, sizeof info, want, 32), 0);
	assert_memory_equal(next, want, 32);
	assert_memory_not_equal(next, sec, 32);
	free(sec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc5869),
		cmocka_unit_test(test_expand_limits),
		cmocka_unit_test(test_trace_steps),
		cmocka_unit_test(test_trace_records),
		cmocka_unit_test(test_trace_tamper),
		cmocka_unit_test(test_chain_1rtt),
		cmocka_unit_test(test_chain_0rtt),
		cmocka_unit_test(test_chain_hrr),
		cmocka_unit_test(test_chain_client_auth),
		cmocka_unit_test(test_key_update),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
