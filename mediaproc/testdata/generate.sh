#!/usr/bin/env bash
# Makes the test images of mediaproc (see README). Run once from this folder, on Debian
# with imagemagick, libimage-exiftool-perl, webp, libjpeg-turbo-progs and python3; the
# files are committed, so the tests need none of these.
set -euo pipefail
cd "$(dirname "$0")"
C=/usr/bin/convert # ImageMagick 6 (a stand-in elsewhere on PATH may shadow it)
PNG=(-define png:exclude-chunks=date,time) # no creation dates: the same files each run

# The upright picture: quadrants red, lime / blue, yellow, 96x64.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
$C -size 48x32 xc:red -size 48x32 xc:lime +append \
  \( -size 48x32 xc:blue -size 48x32 xc:yellow +append \) -append +repage "$tmp/upright.png"

# orient-N.jpg: pixels stored so that EXIF orientation N shows the upright picture.
declare -A undo=([2]=-flop [3]="-rotate 180" [4]=-flip [5]=-transpose [6]="-rotate -90" [7]=-transverse [8]="-rotate 90")
for n in 2 3 4 5 6 7 8; do
  # shellcheck disable=SC2086
  $C "$tmp/upright.png" ${undo[$n]} +repage -quality 95 "orient-$n.jpg"
  exiftool -q -overwrite_original "-Orientation#=$n" "orient-$n.jpg"
done
$C "$tmp/upright.png" -rotate -90 +repage -type TrueColor -depth 8 -compress lzw "orient-6.tiff"
$C "$tmp/upright.png" -rotate -90 +repage "${PNG[@]}" "orient-6.png"
$C "$tmp/upright.png" -rotate -90 +repage "$tmp/stored.png"
cwebp -quiet -lossless "$tmp/stored.png" -o orient-6.webp
for f in orient-6.tiff orient-6.png orient-6.webp; do
  exiftool -q -overwrite_original "-Orientation#=6" "$f"
done

# gps.jpg: a photo-like picture with the metadata a phone leaves: camera, place (EXIF GPS
# and XMP), a comment.
$C -seed 7 -size 320x240 plasma:green-blue -quality 90 gps.jpg
exiftool -q -overwrite_original -Make=Phone -Model=Camera -DateTimeOriginal="2024:05:01 12:00:00" \
  -GPSLatitude=48.8584 -GPSLatitudeRef=N -GPSLongitude=2.2945 -GPSLongitudeRef=E \
  -XMP:GPSLatitude=48.8584N -XMP:GPSLongitude=2.2945E -Comment="taken at home" gps.jpg

# gps.png: the same place in a PNG's eXIf chunk and text.
$C -seed 7 -size 160x120 plasma:red-yellow -depth 8 "${PNG[@]}" gps.png
exiftool -q -overwrite_original -GPSLatitude=48.8584 -GPSLatitudeRef=N -GPSLongitude=2.2945 \
  -GPSLongitudeRef=E -PNG:Comment="taken at home" gps.png

# alpha.png: a gradient whose alpha runs from transparent to opaque.
$C -size 120x80 gradient:red-blue \( -size 80x120 gradient:white-black -rotate 90 \) \
  -alpha off -compose copy_opacity -composite "${PNG[@]}" alpha.png

# WebP: a lossy photo (no alpha: becomes JPEG) and a lossless one with alpha (PNG).
$C -seed 3 -size 200x150 plasma:orange-purple "$tmp/photo.png"
cwebp -quiet -q 80 "$tmp/photo.png" -o photo.webp
cwebp -quiet -lossless alpha.png -o alpha.webp

# animated.webp: two frames, which the WebP decoder cannot read.
$C -size 40x30 xc:red "$tmp/red.png"
$C -size 40x30 xc:blue "$tmp/blue.png"
img2webp -loop 0 -lossless "$tmp/red.png" -d 200 "$tmp/blue.png" -o animated.webp 2>/dev/null

# GIFs: one frame, and three frames that loop.
$C -size 60x40 xc:white -fill black -draw "circle 30,20 30,5" static.gif
$C -delay 20 -loop 0 -size 60x40 xc:red xc:lime xc:blue animated.gif

# BMP.
$C "$tmp/upright.png" bmp3:plain.bmp

# bomb.png: a valid PNG that declares 100000x100000 pixels over a few bytes.
python3 - <<'EOF'
import struct, zlib
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
ihdr = struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 301)) + chunk(b"IEND", b"")
open("bomb.png", "wb").write(png)
EOF

# bomb.gif: 2000x2000 (within the pixel limit), but 40 frames that each claim the whole
# screen: 160 million pixels for the decoder to hold, in a few hundred bytes.
python3 - <<'EOF'
import struct
w = h = 2000
out = b"GIF89a" + struct.pack("<HHBBB", w, h, 0x80, 0, 0) + b"\0\0\0\xff\xff\xff"
out += b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"
for _ in range(40):
    out += b"\x2c" + struct.pack("<HHHHB", 0, 0, w, h, 0) + b"\x02\x02\x44\x01\x00"
open("bomb.gif", "wb").write(out + b"\x3b")
EOF

# progressive.jpg: gps.jpg's pixels in 100 scans (the most Process takes, and the most
# jpegtran writes): DC, then each of the first 32 AC coefficients of each component on its
# own, then the rest of each.
{
  echo "0,1,2: 0 0 0 0;"
  for c in 0 1 2; do for k in $(seq 1 32); do echo "$c: $k $k 0 0;"; done; done
  for c in 0 1 2; do echo "$c: 33 63 0 0;"; done
} > "$tmp/scans"
jpegtran -copy none -scans "$tmp/scans" -outfile progressive.jpg gps.jpg

# bomb-scans.jpg: progressive.jpg with its smallest scan (with the tables it needs)
# repeated 2,000 times, 84 KB more: each scan walks every block of the image again (Go
# takes 5 s to decode a 6-megapixel JPEG whose smallest scan is repeated 5,000 times).
python3 - <<'EOF2'
d = open("progressive.jpg", "rb").read()
groups, start, i = [], None, 2
while d[i + 1] != 0xD9:  # to EOI
    n = int.from_bytes(d[i + 2:i + 4], "big")
    if d[i + 1] != 0xDA:
        i += 2 + n
        continue
    j = i + 2 + n  # the scan's data runs to the next marker
    while not (d[j] == 0xFF and d[j + 1] not in (0x00, 0xFF) and not 0xD0 <= d[j + 1] <= 0xD7):
        j += 1
    if start is not None:  # the first group holds the headers: leave it
        groups.append((j - start, start))
    start = i = j
size, at = min(groups)
open("bomb-scans.jpg", "wb").write(d[:-2] + d[at:at + size] * 2000 + d[-2:])
EOF2

# truncated.jpg: the first half of gps.jpg.
head -c "$(($(stat -c %s gps.jpg) / 2))" gps.jpg > truncated.jpg

# photo.avif: the upright picture as an AVIF still picture (ffmpeg with libaom), which
# ffmpeg decodes; truncated.avif: its first 300 bytes.
ffmpeg -hide_banner -loglevel error -y -f lavfi -i color=red:s=48x32 -f lavfi -i color=lime:s=48x32 \
  -f lavfi -i color=blue:s=48x32 -f lavfi -i color=yellow:s=48x32 \
  -filter_complex "[0][1]hstack[t];[2][3]hstack[b];[t][b]vstack" -frames:v 1 -map_metadata -1 -fflags +bitexact \
  -c:v libaom-av1 -still-picture 1 -cpu-used 6 -crf 20 -pix_fmt yuv420p photo.avif
head -c 300 photo.avif > truncated.avif

# HEIF (libheif-examples: heif-enc 1.15, which writes neither rotation nor mirroring;
# heif.py adds them to the primary item, moving iloc's offsets). The stored pixels are
# the upright picture turned or mirrored so that the boxes show it upright.
ffmpeg -hide_banner -loglevel error -y -f lavfi -i color=red:s=48x32 -f lavfi -i color=lime:s=48x32 \
  -f lavfi -i color=blue:s=48x32 -f lavfi -i color=yellow:s=48x32 \
  -filter_complex "[0][1]hstack[t];[2][3]hstack[b];[t][b]vstack" -frames:v 1 "$tmp/upright.png"
# gps-irot.heic: as a phone writes a photo held upright: the pixels turned a quarter
# anticlockwise, irot 3 (three quarters anticlockwise) to show them, and EXIF with
# Orientation 6 saying the same (not to be applied twice) and a GPS position.
ffmpeg -hide_banner -loglevel error -y -i "$tmp/upright.png" -vf transpose=2 -q:v 2 "$tmp/ccw.jpg"
python3 - "$tmp/ccw.jpg" "$tmp/ccw-exif.jpg" <<'EOF2'
import struct, sys
def entry(tag, typ, count, value):
    return struct.pack(">HHI", tag, typ, count) + value
# TIFF header, IFD0 (Orientation 6, GPSInfo), the GPS IFD, then its rationals.
gps_at = 8 + 2 + 2 * 12 + 4
rats_at = gps_at + 2 + 4 * 12 + 4
rat = lambda *xs: b"".join(struct.pack(">II", n, d) for n, d in xs)
lat, lon = rat((48, 1), (51, 1), (3024, 100)), rat((2, 1), (17, 1), (4020, 100))
ifd0 = struct.pack(">H", 2) + entry(0x0112, 3, 1, struct.pack(">HH", 6, 0)) + entry(0x8825, 4, 1, struct.pack(">I", gps_at)) + b"\0\0\0\0"
gps = struct.pack(">H", 4) + entry(1, 2, 2, b"N\0\0\0") + entry(2, 5, 3, struct.pack(">I", rats_at)) \
    + entry(3, 2, 2, b"E\0\0\0") + entry(4, 5, 3, struct.pack(">I", rats_at + 24)) + b"\0\0\0\0"
exif = b"Exif\0\0" + b"MM\0*" + struct.pack(">I", 8) + ifd0 + gps + lat + lon
d = open(sys.argv[1], "rb").read()
app1 = b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif
open(sys.argv[2], "wb").write(d[:2] + app1 + d[2:])
EOF2
heif-enc -q 90 "$tmp/ccw-exif.jpg" -o "$tmp/ccw.heic"
python3 heif.py transform "$tmp/ccw.heic" gps-irot.heic irot=3
# irot-imir.avif: the pixels mirrored left to right and turned a quarter clockwise;
# irot 1 (a quarter anticlockwise) then imir 1 show them upright. (HEIF's text on
# imir's axis was reworded between editions; 1 is a left-right mirror as libheif,
# and so libvips and Mastodon, read it.)
ffmpeg -hide_banner -loglevel error -y -i "$tmp/upright.png" -vf hflip,transpose=1 "$tmp/mirrored.png"
heif-enc -A -q 90 "$tmp/mirrored.png" -o "$tmp/mirrored.avif"
python3 heif.py transform "$tmp/mirrored.avif" irot-imir.avif irot=1 imir=1
# bomb.heic: gps-irot.heic whose primary item declares 10000x10000 pixels (its ispe): more than
# Mastodon's limit, within libheif's own (32768x32768).
python3 heif.py ispe gps-irot.heic bomb.heic 10000x10000
# grid.avif: the four quadrants, each coded on its own (heif-enc), as the tiles of a 2x2
# grid (heif.py writes the grid item, its dimg references and its idat); ffmpeg 5
# reads no picture of it, libheif the whole.
for c in red lime blue yellow; do
  ffmpeg -hide_banner -loglevel error -y -f lavfi -i "color=$c:s=48x32" -frames:v 1 "$tmp/$c.png"
  heif-enc -A -q 90 "$tmp/$c.png" -o "$tmp/$c.avif"
done
python3 heif.py grid grid.avif 2 96x64 "$tmp/red.avif" "$tmp/lime.avif" "$tmp/blue.avif" "$tmp/yellow.avif"
# two.heic: two top-level pictures, a blue one and the upright one, the second primary
# (heif-convert writes both, as picture-1.png and picture-2.png).
ffmpeg -hide_banner -loglevel error -y -f lavfi -i color=blue:s=40x30 -frames:v 1 "$tmp/blue40.png"
heif-enc -q 90 "$tmp/blue40.png" "$tmp/upright.png" -o "$tmp/two.heic"
python3 heif.py primary "$tmp/two.heic" two.heic "$(heif-info "$tmp/two.heic" | sed -n 's/.*(id=\([0-9]*\)).*/\1/p' | tail -1)"
