package searchbench

import "strings"

// real are common words of each language, inflected forms among them, so that the
// analyzers stem and drop stop words as on real posts.
var real = map[string][]string{
	"en": strings.Fields("the and of to running runs walked houses house city river people talking music weather " +
		"morning evening coffee train station garden gardens friends writing books reading cats dogs"),
	"de": strings.Fields("der die das und nicht Häuser Haus Stadt Fluss Leute sprechen gesprochen Musik Wetter " +
		"Morgen Abend Kaffee Zug Bahnhof Garten Gärten Freunde schreiben Bücher lesen Katzen Hunde"),
	"fr": strings.Fields("le la les et de maisons maison ville rivière gens parler parlaient musique temps " +
		"matin soir café train gare jardin jardins amis écrire livres lire chats chiens chanteuses"),
	"es": strings.Fields("el la los y de casas casa ciudad río gente hablar hablaban música tiempo mañana " +
		"tarde café tren estación jardín jardines amigos escribir libros leer gatos perros"),
	"pt": strings.Fields("o a os e de casas casa cidade rio pessoas falar falavam música tempo manhã noite " +
		"café trem estação jardim jardins amigos escrever livros ler gatos cachorros"),
	"ru": strings.Fields("и в не на дома дом город река люди говорить говорили музыка погода утро вечер " +
		"кофе поезд вокзал сад сады друзья писать книги читать кошки собаки"),
	"ja": strings.Fields("東京 大阪 京都 電車 駅 公園 友達 音楽 天気 朝 夜 珈琲 本 猫 犬 桜 山 海 学校 会社 " +
		"今日は 行きました 食べました 読みました 見ました 楽しかった"),
	"zh": strings.Fields("北京 上海 城市 河流 朋友 音乐 天气 早上 晚上 咖啡 火车 车站 花园 书 猫 狗 学校 公司 " +
		"今天 我们 喜欢 去了 看书 写字 秋天 春天"),
}

// syllables make each language's rarer words.
var syllables = map[string][]string{
	"en": strings.Fields("ba con der est ing lo mar ness pre ra sto ter un ver wa zy"),
	"de": strings.Fields("bau ber ein gen keit lich mann sch st ung ver wald zeit ä ö ü"),
	"fr": strings.Fields("ai beau che é eur ge ille lon mon ou que ré sion tion vé x"),
	"es": strings.Fields("ba ción da ez go jo la mo ña que ra rro si ta ví zo"),
	"pt": strings.Fields("ão be ca ção de gu lh mo nh õe que ra se ti vo zé"),
	"ru": strings.Fields("ба ва го де жи зо ка ли мо на по ро ст ту ха чи"),
	"ja": strings.Fields("あ か さ た な は ま や ら わ き し ち に ひ み"),
	"zh": strings.Fields("山 水 风 云 雨 雪 花 草 木 石 金 光 明 天 地 人"),
}

// vocab is each language's words, the common ones first, then 3,000 made of its
// syllables, so that a Zipf draw over it gives common and rare words as in text.
var vocab = func() map[string][]string {
	out := map[string][]string{}
	for lang, words := range real {
		syl := syllables[lang]
		v := append([]string(nil), words...)
		seen := map[string]bool{}
		for i := 0; len(v) < len(words)+3000; i++ {
			w := syl[i%len(syl)] + syl[(i/len(syl))%len(syl)] + syl[(i/len(syl)/len(syl))%len(syl)]
			if i >= len(syl)*len(syl)*len(syl) {
				w += syl[(i*7)%len(syl)]
			}
			if !seen[w] {
				seen[w] = true
				v = append(v, w)
			}
		}
		out[lang] = v
	}
	return out
}()
