// QR code for the print layout of award pages, drawn in the browser.
//
// A small, dependency-free QR Code encoder (ISO/IEC 18004) limited to what the
// site needs: byte mode (the text as UTF-8, no ECI header), error correction
// level M, versions 1-15 (the smallest that fits: up to 412 bytes), the mask
// with the lowest penalty, and a 4-module quiet zone.
//
// On DOMContentLoaded every element with a `data-qr` attribute gets an inline
// <svg> of its value appended, labelled by `data-qr-label` (default "QR code").
// `window.badgesiteQR` exposes the encoder for tests:
//   matrix(text[, mask]) -> boolean[][]  (rows of modules, true = dark, no quiet zone)
//   encode(text[, mask]) -> {version, mask, size, modules}
//   svg(text[, label])   -> string
//   render([root])       -> draws every [data-qr] element under root (default document)
(function () {
  "use strict";

  var MAX_VERSION = 15;
  var QUIET_ZONE = 4;

  // -- Tables for level M (ISO/IEC 18004 Table 9 and Annex E) ------------------
  // Error correction codewords per block, and number of blocks, by version.
  var ECC_PER_BLOCK = [0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24];
  var BLOCK_COUNT = [0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10];
  // Row/column coordinates of alignment pattern centres, by version.
  var ALIGNMENT = [
    null, [], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34], [6, 22, 38], [6, 24, 42],
    [6, 26, 46], [6, 28, 50], [6, 30, 54], [6, 32, 58], [6, 34, 62], [6, 26, 46, 66],
    [6, 26, 48, 70],
  ];
  var EC_LEVEL_BITS_M = 0; // format information: L = 01, M = 00, Q = 11, H = 10
  var MODE_BYTE = 4; // mode indicator 0100

  // -- Galois field GF(2^8) with the QR polynomial x^8 + x^4 + x^3 + x^2 + 1 --
  var EXP = new Array(512);
  var LOG = new Array(256);
  (function () {
    var x = 1;
    for (var i = 0; i < 255; i++) {
      EXP[i] = x;
      LOG[x] = i;
      x <<= 1;
      if (x & 0x100) x ^= 0x11d;
    }
    for (var j = 255; j < 512; j++) EXP[j] = EXP[j - 255];
  })();

  function gfMultiply(a, b) {
    return a === 0 || b === 0 ? 0 : EXP[LOG[a] + LOG[b]];
  }

  // -- Reed-Solomon error correction (clause 7.5.2) ----------------------------
  // Generator polynomial (x - a^0)(x - a^1)...(x - a^(n-1)), highest degree first.
  var generators = {};
  function generator(degree) {
    if (generators[degree]) return generators[degree];
    var poly = [1];
    for (var i = 0; i < degree; i++) {
      var next = new Array(poly.length + 1).fill(0);
      for (var j = 0; j < poly.length; j++) {
        next[j] ^= poly[j]; // poly * x
        next[j + 1] ^= gfMultiply(poly[j], EXP[i]); // poly * a^i
      }
      poly = next;
    }
    generators[degree] = poly;
    return poly;
  }

  // The remainder of data(x) * x^n divided by the generator: the n ECC codewords.
  function errorCorrection(data, degree) {
    var gen = generator(degree);
    var rem = new Array(degree).fill(0);
    data.forEach(function (codeword) {
      var factor = codeword ^ rem.shift();
      rem.push(0);
      for (var k = 0; k < degree; k++) rem[k] ^= gfMultiply(gen[k + 1], factor);
    });
    return rem;
  }

  // -- BCH codes for format and version information (Annexes C and D) --------
  function bchRemainder(value, poly) {
    var polyBits = poly.toString(2).length;
    var shifted = value << (polyBits - 1);
    for (var bit = 31 - Math.clz32(shifted); bit >= polyBits - 1; bit--) {
      if (shifted & (1 << bit)) shifted ^= poly << (bit - polyBits + 1);
    }
    return shifted;
  }

  function formatBits(mask) {
    var data = (EC_LEVEL_BITS_M << 3) | mask;
    return ((data << 10) | bchRemainder(data, 0x537)) ^ 0x5412;
  }

  function versionBits(version) {
    return (version << 12) | bchRemainder(version, 0x1f25);
  }

  // -- Symbol grid with its function patterns (clause 6.3) ---------------------
  // `dark` holds the colours, `fixed` marks modules that are not data modules.
  function Grid(version) {
    var size = 17 + 4 * version;
    this.version = version;
    this.size = size;
    this.dark = [];
    this.fixed = [];
    for (var r = 0; r < size; r++) {
      this.dark.push(new Array(size).fill(false));
      this.fixed.push(new Array(size).fill(false));
    }
    this.drawFunctionPatterns();
  }

  Grid.prototype.set = function (row, col, dark) {
    this.dark[row][col] = dark;
    this.fixed[row][col] = true;
  };

  Grid.prototype.drawFunctionPatterns = function () {
    var size = this.size;
    var i;
    // Timing patterns: row 6 and column 6 alternate, dark on even indices.
    for (i = 0; i < size; i++) {
      this.set(6, i, i % 2 === 0);
      this.set(i, 6, i % 2 === 0);
    }
    // Finder patterns (7x7) in three corners, each with its light separator.
    this.drawFinder(3, 3);
    this.drawFinder(3, size - 4);
    this.drawFinder(size - 4, 3);
    // Alignment patterns (5x5) at every pair of centres, except where finders are.
    var centres = ALIGNMENT[this.version];
    var last = centres.length - 1;
    for (var a = 0; a <= last; a++) {
      for (var b = 0; b <= last; b++) {
        var onFinder = (a === 0 && b === 0) || (a === 0 && b === last) || (a === last && b === 0);
        if (!onFinder) this.drawAlignment(centres[a], centres[b]);
      }
    }
    // Reserve the format information areas (written once the mask is known)
    // and the dark module beside the bottom-left finder.
    this.drawFormat(0);
    this.set(size - 8, 8, true);
    // Version information, versions 7 and up (clause 6.10).
    if (this.version >= 7) {
      var bits = versionBits(this.version);
      for (i = 0; i < 18; i++) {
        var dark = ((bits >> i) & 1) === 1;
        var near = Math.floor(i / 3);
        var far = size - 11 + (i % 3);
        this.set(near, far, dark); // above the top-right finder
        this.set(far, near, dark); // left of the bottom-left finder
      }
    }
  };

  Grid.prototype.drawFinder = function (centreRow, centreCol) {
    for (var dr = -4; dr <= 4; dr++) {
      for (var dc = -4; dc <= 4; dc++) {
        var r = centreRow + dr;
        var c = centreCol + dc;
        if (r < 0 || c < 0 || r >= this.size || c >= this.size) continue;
        var ring = Math.max(Math.abs(dr), Math.abs(dc)); // 0-1 core, 2 light, 3 dark, 4 separator
        this.set(r, c, ring <= 1 || ring === 3);
      }
    }
  };

  Grid.prototype.drawAlignment = function (centreRow, centreCol) {
    for (var dr = -2; dr <= 2; dr++) {
      for (var dc = -2; dc <= 2; dc++) {
        this.set(centreRow + dr, centreCol + dc, Math.max(Math.abs(dr), Math.abs(dc)) !== 1);
      }
    }
  };

  // Format information (clause 6.9): 15 bits, bit 0 least significant, in two copies.
  Grid.prototype.drawFormat = function (mask) {
    var bits = formatBits(mask);
    var size = this.size;
    for (var i = 0; i < 15; i++) {
      var dark = ((bits >> i) & 1) === 1;
      // Copy 1, around the top-left finder: down column 8 then left along row 8,
      // stepping over the timing patterns.
      if (i < 6) this.set(i, 8, dark);
      else if (i < 8) this.set(i + 1, 8, dark);
      else if (i === 8) this.set(8, 7, dark);
      else this.set(8, 14 - i, dark);
      // Copy 2: bits 0-7 along row 8 under the top-right finder (right to left),
      // bits 8-14 down column 8 beside the bottom-left finder.
      if (i < 8) this.set(8, size - 1 - i, dark);
      else this.set(size - 15 + i, 8, dark);
    }
  };

  // Modules left for codewords once function patterns are drawn (clause 6.4.10).
  var capacities = [];
  function capacity(version) {
    if (!capacities[version]) {
      var grid = new Grid(version);
      var free = 0;
      grid.fixed.forEach(function (row) {
        row.forEach(function (isFixed) { if (!isFixed) free++; });
      });
      var total = Math.floor(free / 8);
      capacities[version] = { total: total, data: total - BLOCK_COUNT[version] * ECC_PER_BLOCK[version] };
    }
    return capacities[version];
  }

  // -- Data encoding (clauses 7.3 and 7.4) --------------------------------------
  function countBits(version) {
    return version <= 9 ? 8 : 16; // character count indicator, byte mode
  }

  function chooseVersion(byteLength) {
    for (var v = 1; v <= MAX_VERSION; v++) {
      if (4 + countBits(v) + 8 * byteLength <= capacity(v).data * 8) return v;
    }
    throw new RangeError("QR: " + byteLength + " bytes do not fit version " + MAX_VERSION + "-M");
  }

  // Mode indicator, count, bytes, terminator, padding to whole codewords, pad codewords.
  function dataCodewords(bytes, version) {
    var bits = [];
    function append(value, length) {
      for (var i = length - 1; i >= 0; i--) bits.push((value >>> i) & 1);
    }
    var capacityBits = capacity(version).data * 8;
    append(MODE_BYTE, 4);
    append(bytes.length, countBits(version));
    bytes.forEach(function (b) { append(b, 8); });
    append(0, Math.min(4, capacityBits - bits.length)); // terminator
    append(0, (8 - (bits.length % 8)) % 8);
    var codewords = [];
    for (var i = 0; i < bits.length; i += 8) {
      codewords.push(parseInt(bits.slice(i, i + 8).join(""), 2));
    }
    for (var pad = 0; codewords.length < capacityBits / 8; pad++) {
      codewords.push(pad % 2 === 0 ? 0xec : 0x11);
    }
    return codewords;
  }

  // -- Blocks, error correction and interleaving (clause 7.6) ------------------
  // Blocks share the data codewords evenly; the later blocks take one more if needed.
  function finalCodewords(data, version) {
    var blockCount = BLOCK_COUNT[version];
    var eccLength = ECC_PER_BLOCK[version];
    var shortLength = Math.floor(data.length / blockCount);
    var longBlocks = data.length % blockCount;
    var blocks = [];
    var start = 0;
    for (var b = 0; b < blockCount; b++) {
      var length = shortLength + (b >= blockCount - longBlocks ? 1 : 0);
      var block = data.slice(start, start + length);
      start += length;
      blocks.push({ data: block, ecc: errorCorrection(block, eccLength) });
    }
    var out = [];
    for (var i = 0; i <= shortLength; i++) {
      blocks.forEach(function (blk) { if (i < blk.data.length) out.push(blk.data[i]); });
    }
    for (var j = 0; j < eccLength; j++) {
      blocks.forEach(function (blk) { out.push(blk.ecc[j]); });
    }
    return out;
  }

  // -- Codeword placement (clause 7.7.3) -----------------------------------------
  // Two-module-wide columns from the right, zigzagging up and down, skipping the
  // vertical timing pattern; bits that run out (remainder bits) are light.
  function placeCodewords(grid, codewords) {
    var size = grid.size;
    var bitIndex = 0;
    var totalBits = codewords.length * 8;
    var upward = true;
    for (var right = size - 1; right >= 1; right -= 2) {
      if (right === 6) right = 5;
      for (var step = 0; step < size; step++) {
        var row = upward ? size - 1 - step : step;
        for (var dc = 0; dc < 2; dc++) {
          var col = right - dc;
          if (grid.fixed[row][col]) continue;
          var dark = false;
          if (bitIndex < totalBits) dark = ((codewords[bitIndex >> 3] >> (7 - (bitIndex & 7))) & 1) === 1;
          grid.dark[row][col] = dark;
          bitIndex++;
        }
      }
      upward = !upward;
    }
  }

  // -- Masking (clause 7.8) ---------------------------------------------------------
  var MASKS = [
    function (i, j) { return (i + j) % 2 === 0; },
    function (i) { return i % 2 === 0; },
    function (i, j) { return j % 3 === 0; },
    function (i, j) { return (i + j) % 3 === 0; },
    function (i, j) { return (Math.floor(i / 2) + Math.floor(j / 3)) % 2 === 0; },
    function (i, j) { return ((i * j) % 2) + ((i * j) % 3) === 0; },
    function (i, j) { return (((i * j) % 2) + ((i * j) % 3)) % 2 === 0; },
    function (i, j) { return (((i + j) % 2) + ((i * j) % 3)) % 2 === 0; },
  ];

  // The masked symbol (a copy), with its format information written.
  function applyMask(grid, mask) {
    var masked = Object.create(Grid.prototype);
    masked.version = grid.version;
    masked.size = grid.size;
    masked.fixed = grid.fixed.map(function (row) { return row.slice(); });
    masked.dark = grid.dark.map(function (row, i) {
      return row.map(function (dark, j) { return grid.fixed[i][j] ? dark : dark !== MASKS[mask](i, j); });
    });
    masked.drawFormat(mask);
    return masked;
  }

  // Penalty score (clause 7.8.3, Table 11) of the finished symbol, format and
  // version information included, as a reader will see it.
  function penalty(dark) {
    var size = dark.length;
    var score = 0;
    var lines = [];
    for (var i = 0; i < size; i++) {
      lines.push(dark[i]);
      lines.push(dark.map(function (row) { return row[i]; }));
    }
    lines.forEach(function (line) {
      // N1: a run of 5 + k modules of one colour in a row or column scores 3 + k.
      var run = 1;
      for (var k = 1; k <= size; k++) {
        if (k < size && line[k] === line[k - 1]) {
          run++;
        } else {
          if (run >= 5) score += run - 2;
          run = 1;
        }
      }
      // N3: 40 for each dark:light:dark:light:dark 1:1:3:1:1 pattern preceded or
      // followed by 4 light modules (the quiet zone beyond the edge is light).
      var text = "0000" + line.map(function (d) { return d ? "1" : "0"; }).join("") + "0000";
      for (var at = text.indexOf("1011101"); at !== -1; at = text.indexOf("1011101", at + 1)) {
        if (text.slice(at - 4, at) === "0000" || text.slice(at + 7, at + 11) === "0000") score += 40;
      }
    });
    // N2: every 2x2 block of one colour scores 3.
    for (var r = 0; r < size - 1; r++) {
      for (var c = 0; c < size - 1; c++) {
        var colour = dark[r][c];
        if (dark[r][c + 1] === colour && dark[r + 1][c] === colour && dark[r + 1][c + 1] === colour) score += 3;
      }
    }
    // N4: 10 for every full 5% that the dark proportion departs from 50%.
    var darkCount = 0;
    dark.forEach(function (row) { row.forEach(function (d) { if (d) darkCount++; }); });
    var total = size * size;
    score += 10 * Math.floor(Math.abs(20 * darkCount - 10 * total) / total);
    return score;
  }

  // -- The whole encoder ------------------------------------------------------------
  function encode(text, forcedMask) {
    var bytes = Array.from(new TextEncoder().encode(String(text)));
    var version = chooseVersion(bytes.length);
    var grid = new Grid(version);
    placeCodewords(grid, finalCodewords(dataCodewords(bytes, version), version));
    var best = null;
    for (var mask = 0; mask < 8; mask++) {
      if (forcedMask !== undefined && forcedMask !== null && mask !== forcedMask) continue;
      var candidate = applyMask(grid, mask);
      var score = penalty(candidate.dark);
      if (best === null || score < best.score) best = { mask: mask, score: score, grid: candidate };
    }
    if (best === null) throw new RangeError("QR: mask must be 0-7");
    return { version: version, mask: best.mask, size: grid.size, modules: best.grid.dark };
  }

  function matrix(text, mask) {
    return encode(text, mask).modules;
  }

  // -- SVG output -----------------------------------------------------------------------
  function escapeAttribute(value) {
    return String(value).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }

  // One path of dark modules, one horizontal run per subpath, on a white square.
  function svg(text, label) {
    var modules = matrix(text);
    var dim = modules.length + 2 * QUIET_ZONE;
    var d = "";
    modules.forEach(function (row, y) {
      for (var x = 0; x < row.length; x++) {
        if (!row[x]) continue;
        var start = x;
        while (x + 1 < row.length && row[x + 1]) x++;
        var width = x - start + 1;
        d += "M" + (start + QUIET_ZONE) + " " + (y + QUIET_ZONE) + "h" + width + "v1h-" + width + "z";
      }
    });
    return '<svg xmlns="http://www.w3.org/2000/svg" class="qr-code" viewBox="0 0 ' + dim + " " + dim + '"' +
      ' shape-rendering="crispEdges" role="img" focusable="false" aria-label="' +
      escapeAttribute(label || "QR code") + '">' +
      '<rect width="' + dim + '" height="' + dim + '" fill="#fff"/>' +
      '<path fill="#000" d="' + d + '"/></svg>';
  }

  // -- Page behaviour -----------------------------------------------------------------
  function render(root) {
    (root || document).querySelectorAll("[data-qr]").forEach(function (el) {
      var text = el.getAttribute("data-qr");
      if (!text || el.querySelector(":scope > svg.qr-code")) return; // nothing to draw, or drawn
      try {
        el.insertAdjacentHTML("beforeend", svg(text, el.getAttribute("data-qr-label") || "QR code"));
      } catch (err) {
        if (window.console) console.warn(err.message); // too long: leave the element as it is
      }
    });
  }

  window.badgesiteQR = { matrix: matrix, encode: encode, svg: svg, render: render };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { render(); });
  } else {
    render();
  }
})();
