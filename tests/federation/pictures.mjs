// Two small PNG pictures the federation scenario exchanges: a 48x32 photo (a gradient) and a
// 16x16 custom emoji. Used by the Fedify peer (the files it serves) and by the scenario (what
// Herd's user uploads). Made with zlib, no metadata.

/** The photo: 48x32 RGB PNG. */
export const PHOTO = { width: 48, height: 32, mediaType: "image/png", bytes: Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAADAAAAAgCAIAAADbtmxLAAALxklEQVR42g3OoarCAABA0RURDFpcEMSyIgODFheEYVmRgWEW" +
  "FwSxrIhg0OK4CGJZkYFBiwvCsKzIwKDFBWFYVmRgsVj8iffOFxxBEMgI5AQKAkWBkkBFQBKoCtQEGgJNgZZAW0AT6Ah0BXoC" +
  "fYGBwEjAEhgLTAXmAguBpcBawBHYCGwF9gIHgaPASSAQOAtcBG4Cd4GHwFMgEXgJvAU+Al+Bn4AgZMlkyWUpZClmKWWpZJGy" +
  "VLPUsjSyNLO0srSzaFk6WbpZeln6WQZZRlmsLOMs0yzzLIssyyzrLE6WTZZtln2WQ5ZjllOWIMs5yyXLLcs9yyPLM0uS5ZXl" +
  "neWT5Zvll/0P5cnkyeUp5CnmKeWp5JHyVPPU8jTyNPO08rTzaHk6ebp5enn6eQZ5RnmsPOM80zzzPIs8yzzrPE6eTZ5tnn2e" +
  "Q55jnlOeIM85zyXPLc89zyPPM0+S55XnneeT55vnl/8PiWREciIFkaJISaQiIolURWoiDZGmSEukLaKJdES6Ij2RvshAZCRi" +
  "iYxFpiJzkYXIUmQt4ohsRLYie5GDyFHkJBKInEUuIjeRu8hD5CmSiLxE3iIfka/IT/wPlcmUyZUplCmWKZWplJHKVMvUyjTK" +
  "NMu0yrTLaGU6ZbplemX6ZQZlRmWsMuMy0zLzMosyyzLrMk6ZTZltmX2ZQ5ljmVOZoMy5zKXMrcy9zKPMs0xS5lXmXeZT5lvm" +
  "V/4PSWQkchIFiaJESaIiIUlUJWoSDYmmREuiLaFJdCS6Ej2JvsRAYiRhSYwlphJziYXEUmIt4UhsJLYSe4mDxFHiJBFInCUu" +
  "EjeJu8RD4imRSLwk3hIfia/ET/oPyWRkcjIFmaJMSaYiI8lUZWoyDZmmTEumLaPJdGS6Mj2ZvsxAZiRjyYxlpjJzmYXMUmYt" +
  "48hsZLYye5mDzFHmJBPInGUuMjeZu8xD5imTyLxk3jIfma/MT/4P1cnUydUp1CnWKdWp1JHqVOvU6jTqNOu06rTraHU6dbp1" +
  "enX6dQZ1RnWsOuM60zrzOos6yzrrOk6dTZ1tnX2dQ51jnVOdoM65zqXOrc69zqPOs05S51XnXedT51vnV/8PKWQUcgoFhaJC" +
  "SaGiIClUFWoKDYWmQkuhraApdBS6Cj2FvsJAYaRgKYwVpgpzhYXCUmGt4ChsFLYKe4WDwlHhpBAonBUuCjeFu8JD4amQKLwU" +
  "3gofha/CT/kPqWRUcioFlaJKSaWiIqlUVWoqDZWmSkulraKpdFS6Kj2VvspAZaRiqYxVpipzlYXKUmWt4qhsVLYqe5WDylHl" +
  "pBKonFUuKjeVu8pD5amSqLxU3iofla/KT/0PaWQ0choFjaJGSaOiIWlUNWoaDY2mRkujraFpdDS6Gj2NvsZAY6RhaYw1phpz" +
  "jYXGUmOt4WhsNLYae42DxlHjpBFonDUuGjeNu8ZD46mRaLw03hofja/GT/sP6WR0cjoFnaJOSaeiI+lUdWo6DZ2mTkunraPp" +
  "dHS6Oj2dvs5AZ6Rj6Yx1pjpznYXOUmet4+hsdLY6e52DzlHnpBPonHUuOjedu85D56mT6Lx03jofna/OT/8PGWQMcgYFg6JB" +
  "yaBiIBlUDWoGDYOmQcugbaAZdAy6Bj2DvsHAYGRgGYwNpgZzg4XB0mBt4BhsDLYGe4ODwdHgZBAYnA0uBjeDu8HD4GmQGLwM" +
  "3gYfg6/Bz/gPmWRMciYFk6JJyaRiIplUTWomDZOmScukbaKZdEy6Jj2TvsnAZGRimYxNpiZzk4XJ0mRt4phsTLYme5ODydHk" +
  "ZBKYnE0uJjeTu8nD5GmSmLxM3iYfk6/Jz/wPDckMyQ0pDCkOKQ2pDJGGVIfUhjSGNIe0hrSHaEM6Q7pDekP6QwZDRkOsIeMh" +
  "0yHzIYshyyHrIc6QzZDtkP2Qw5DjkNOQYMh5yGXIbch9yGPIc0gy5DXkPeQz5DvkN/wPWWQschYFi6JFyaJiIVlULWoWDYum" +
  "RcuibaFZdCy6Fj2LvsXAYmRhWYwtphZzi4XF0mJt4VhsLLYWe4uDxdHiZBFYnC0uFjeLu8XD4mmRWLws3hYfi6/Fz/oPTchM" +
  "yE0oTChOKE2oTJAmVCfUJjQmNCe0JrQnaBM6E7oTehP6EwYTRhOsCeMJ0wnzCYsJywnrCc6EzYTthP2Ew4TjhNOEYMJ5wmXC" +
  "bcJ9wmPCc0Iy4TXhPeEz4TvhN/kPzcjMyM0ozCjOKM2ozJBmVGfUZjRmNGe0ZrRnaDM6M7ozejP6MwYzRjOsGeMZ0xnzGYsZ" +
  "yxnrGc6MzYztjP2Mw4zjjNOMYMZ5xmXGbcZ9xmPGc0Yy4zXjPeMz4zvjN/sP2WRscjYFm6JNyaZiI9lUbWo2DZumTcumbaPZ" +
  "dGy6Nj2bvs3AZmRj2YxtpjZzm4XN0mZt49hsbLY2e5uDzdHmZBPYnG0uNjebu83D5mmT2Lxs3jYfm6/Nz/4PrcisyK0orCiu" +
  "KK2orJBWVFfUVjRWNFe0VrRXaCs6K7oreiv6KwYrRiusFeMV0xXzFYsVyxXrFc6KzYrtiv2Kw4rjitOKYMV5xWXFbcV9xWPF" +
  "c0Wy4rXiveKz4rvit/oPOWQccg4Fh6JDyaHiIDlUHWoODYemQ8uh7aA5dBy6Dj2HvsPAYeRgOYwdpg5zh4XD0mHt4DhsHLYO" +
  "e4eDw9Hh5BA4nB0uDjeHu8PD4emQOLwc3g4fh6/Dz/kPuWRcci4Fl6JLyaXiIrlUXWouDZemS8ul7aK5dFy6Lj2XvsvAZeRi" +
  "uYxdpi5zl4XL0mXt4rhsXLYue5eDy9Hl5BK4nF0uLjeXu8vD5emSuLxc3i4fl6/Lz/0P7cjsyO0o7CjuKO2o7JB2VHfUdjR2" +
  "NHe0drR3aDs6O7o7ejv6OwY7RjusHeMd0x3zHYsdyx3rHc6OzY7tjv2Ow47jjtOOYMd5x2XHbcd9x2PHc0ey47XjveOz47vj" +
  "t/sPeWQ8ch4Fj6JHyaPiIXlUPWoeDY+mR8uj7aF5dDy6Hj2PvsfAY+RheYw9ph5zj4XH0mPt4XhsPLYee4+Dx9Hj5BF4nD0u" +
  "HjePu8fD4+mReLw83h4fj6/Hz/sP+WR8cj4Fn6JPyafiI/lUfWo+DZ+mT8un7aP5dHy6Pj2fvs/AZ+Rj+Yx9pj5zn4XP0mft" +
  "4/hsfLY+e5+Dz9Hn5BP4nH0uPjefu8/D5+mT+Lx83j4fn6/Pz/8PBWQCcgGFgGJAKaASIAVUA2oBjYBmQCugHaAFdAK6Ab2A" +
  "fsAgYBRgBYwDpgHzgEXAMmAd4ARsArYB+4BDwDHgFBAEnAMuAbeAe8Aj4BmQBLwC3gGfgG/AL/gPhWRCciGFkGJIKaQSIoVU" +
  "Q2ohjZBmSCukHaKFdEK6Ib2QfsggZBRihYxDpiHzkEXIMmQd4oRsQrYh+5BDyDHkFBKEnEMuIbeQe8gj5BmShLxC3iGfkG/I" +
  "L/wPXclcyV0pXCleKV2pXJGuVK/UrjSuNK+0rrSvaFc6V7pXelf6VwZXRlesK+Mr0yvzK4sryyvrK86VzZXtlf2Vw5XjldOV" +
  "4Mr5yuXK7cr9yuPK80py5XXlfeVz5Xvld/0PRWQichGFiGJEKaISIUVUI2oRjYhmRCuiHaFFdCK6Eb2IfsQgYhRhRYwjphHz" +
  "iEXEMmId4URsIrYR+4hDxDHiFBFEnCMuEbeIe8Qj4hmRRLwi3hGfiG/EL/oPxWRicjGFmGJMKaYSI8VUY2oxjZhmTCumHaPF" +
  "dGK6Mb2YfswgZhRjxYxjpjHzmEXMMmYd48RsYrYx+5hDzDHmFBPEnGMuMbeYe8wj5hmTxLxi3jGfmG/ML/4PJWQScgmFhGJC" +
  "KaGSICVUE2oJjYRmQiuhnaAldBK6Cb2EfsIgYZRgJYwTpgnzhEXCMmGd4CRsErYJ+4RDwjHhlBAknBMuCbeEe8Ij4ZmQJLwS" +
  "3gmfhG/CL/kPpWRScimFlGJKKaWSIqVUU2opjZRmSiulnaKldFK6Kb2UfsogZZRipYxTpinzlEXKMmWd4qRsUrYp+5RDyjHl" +
  "lBKknFMuKbeUe8oj5ZmSpLxS3imflG/KL+UPA2tMeWURApgAAAAASUVORK5CYII=",
  "base64",
) };

/** The emoji: 16x16 RGB PNG. */
export const EMOJI = { width: 16, height: 16, mediaType: "image/png", bytes: Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAABoUlEQVR42g2SURUAIQgEiWAEIxjBCEQwAhGMQAQiGIEIRjAC" +
  "Debun8fbnR1BhCZ0YQhTUGEJJmzBhRCOkMIVnlD/tTRaozdGYza0sRrW2A1vROM0snEbr1H/b+m0Tu+MzuxoZ3Wsszveic7p" +
  "ZOd2Xqf+JDJogz4YgznQwRrYYA98EIMzyMEdvEH9uWXSJn0yJnOikzWxyZ74JCZnkpM7eZP6W4rSlK4MZSqqLMWUrbgSylFS" +
  "ucpT6mcii7boi7GYC12shS32whexOItc3MVb1E9QjGZ0YxjTUGMZZmzDjTCOkcY1nlE/b9m0Td+MzdzoZm1ssze+ic3Z5OZu" +
  "3qb+dcRpTneGMx11lmPOdtwJ5zjpXOc59W8pQQt6MIIZaLACC3bgQQQnyOAGL6h/eTm0Qz+MwzzoYR3ssA9+iMM55OEe3qF+" +
  "TyRpSU9GMhNNVmLJTjyJ5CSZ3OQl9Vsll3bpl3GZF72si132xS9xOZe83Mu71O+gPNqjP8ZjPvSxHvbYD3/E4zzycR/vUb+x" +
  "UrSiF6OYhRarsGIXXkRxiixu8YqqD5pv7xCunRxlAAAAAElFTkSuQmCC",
  "base64",
) };
