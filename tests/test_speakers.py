"""Who said it: sentences attributed to a speaker and a side, judged on the real pages, and the
side filter through the CLI, the API and the page.

The table was judged by reading each sentence of the dev set's readouts (the seed and
../shared/samples/mofa-web): its speaker as the readout names it and the side, or None
where the text names no speaker. The last column says whether the sentence itself names
its speaker (the ones coverage is measured on). Texts: 出典: 外務省ホームページ.
"""

from __future__ import annotations

import unicodedata

import pytest
from conftest import ROOT, SEED, SEED_ID, search_json

from readouts.indexer.parse.reading import parse_source
from readouts.indexer.parse.sources import Source
from readouts.indexer.parse.speakers import attribute, sentences

MOFA_WEB = ROOT.parent / "shared" / "samples" / "mofa-web"
pytestmark = pytest.mark.skipif(
    not MOFA_WEB.is_dir(), reason=f"the real pages are read from {MOFA_WEB}, which this clone does not have"
)

# (file, the sentence's first characters, speaker, side, names its speaker itself)
SPEAKERS = [
    ("mofa-1174146_806", "麻生外務大臣は、21日午前9時過", None, None, False),
    ("mofa-1174146_806", "ライス長官より、ヒル次官補が六者", "ライス長官", "相手側", True),
    ("mofa-1174146_806", "麻生大臣から事前説明に対し謝意を", "麻生大臣", "日本側", True),
    ("mofa-1174146_806", "これに対し、ライス長官より、ヒル", "ライス長官", "相手側", True),
    ("mofa-1174146_806", "麻生大臣より、7月末に期限切れと", "麻生大臣", "日本側", True),
    ("mofa-1174146_806", "先方より謝意が表された。", "先方", "相手側", True),
    ("mofa-1174146_806", "また、先般のハイリゲンダムのG8", None, None, False),
    ("mofa-afghanistan-gaisho_k", "田中外務大臣は、1月20日午後6", None, None, False),
    ("mofa-afghanistan-gaisho_k", "同会談の概要以下の通り。", None, None, False),
    ("mofa-afghanistan-gaisho_k", "パウエル長官より、今般アフガン復", "パウエル長官", "相手側", True),
    ("mofa-afghanistan-gaisho_k", "田中大臣からは、9月11日以降の", "田中大臣", "日本側", True),
    ("mofa-afghanistan-gaisho_k", "田中大臣より、自分は先日沖縄に行", "田中大臣", "日本側", True),
    ("mofa-arc_02-usa_g_gai", "18日夜に行われた川口外務大臣と", None, None, False),
    ("mofa-arc_02-usa_g_gai", "川口大臣より、ミサイル防衛を含め", "川口大臣", "日本側", True),
    ("mofa-arc_02-usa_g_gai", "これに対し、パウエル長官より、米", "パウエル長官", "相手側", True),
    ("mofa-arc_02-usa_g_gai", "川口大臣より、在日米軍の安定的駐", "川口大臣", "日本側", True),
    ("mofa-arc_02-usa_g_gai", "日本側として、15年使用期限の問", "川口大臣", "日本側", False),
    ("mofa-arc_02-usa_g_gai", "これに対し、パウエル長官より、そ", "パウエル長官", "相手側", True),
    ("mofa-arc_02-usa_g_gai", "両大臣は、刑事裁判手続に関する協", "両大臣", "双方", True),
    ("mofa-arc_02-usa_g_gai", "川口大臣より、中国はこの地域での", "川口大臣", "日本側", True),
    ("mofa-arc_02-usa_g_gai", "パウエル長官より、中国については", "パウエル長官", "相手側", True),
    ("mofa-asean_09-jasean_gk", "7月22日12時10分頃から約1", None, None, False),
    ("mofa-asean_09-jasean_gk", "ASEAN各国外相より、ASEA", "ASEAN各国外相", "相手側", True),
    ("mofa-asean_09-jasean_gk", "また、「アジア経済倍増へ向けた成", "ASEAN各国外相", "相手側", False),
    ("mofa-asean_09-jasean_gk", "中曽根大臣より、先般のインドネシ", "中曽根大臣", "日本側", True),
    ("mofa-asean_09-jasean_gk", "ASEANがより安定し、繁栄する", None, None, False),
    ("mofa-asean_09-jasean_gk", "また、中曽根大臣より、以下の協力", "中曽根大臣", "日本側", True),
    ("mofa-asean_09-jasean_gk", "ASEANアイデンティティの形成", None, None, False),
    ("mofa-asean_09-jasean_gk", "中曽根大臣より、北朝鮮の核・ミサ", "中曽根大臣", "日本側", True),
    ("mofa-asean_09-jasean_gk", "参加国より、北朝鮮問題の平和的な", "参加国", "相手側", True),
    ("mofa-china_p_06-gaiyo", "10月9日21時15分から約15", None, None, False),
    ("mofa-china_p_06-gaiyo", "冒頭、安倍総理訪中の成果を確認し", None, None, False),
    ("mofa-china_p_06-gaiyo", "その後の北朝鮮に関するやりとりの", None, None, False),
    ("mofa-china_p_06-gaiyo", "北朝鮮による核実験が地域の平和と", None, None, False),
    ("mofa-china_p_06-gaiyo", "麻生大臣より「対話と圧力」の方針", "麻生大臣", "日本側", True),
    ("mofa-china_p_06-gaiyo", "李肇星部長より、安保理が早期に協", "李肇星部長", "相手側", True),
    ("mofa-china_p_06-gaiyo", "日中外相間で事態の安定化に向けて", None, None, False),
    ("mofa-china_p_06-gaiyo", "なお、李肇星部長より麻生大臣に対", "李肇星部長", "相手側", True),
    ("mofa-g8_04-ju_kaidan_g-alt", "米国東部時間14日午前11時05", None, None, False),
    ("mofa-g8_04-ju_kaidan_g-alt", "川口大臣より総理訪朝につき説明し", "川口大臣", "日本側", True),
    ("mofa-g8_04-ju_kaidan_g-alt", "これを受けてパウエル長官より支持", "パウエル長官", "相手側", True),
    ("mofa-g8_04-ju_kaidan_g-alt", "川口大臣より、外相会談に先立って", "川口大臣", "日本側", True),
    ("mofa-g8_04-ju_kaidan_g-alt", "川口大臣より、SACO最終報告の", "川口大臣", "日本側", True),
    ("mofa-g8_04-ju_kaidan_g", "米国東部時間14日午前11時05", None, None, False),
    ("mofa-g8_04-ju_kaidan_g", "川口大臣より総理訪朝につき説明し", "川口大臣", "日本側", True),
    ("mofa-g8_04-ju_kaidan_g", "これを受けてパウエル長官より支持", "パウエル長官", "相手側", True),
    ("mofa-g8_04-ju_kaidan_g", "川口大臣より6月30日に主権を移", "川口大臣", "日本側", True),
    ("mofa-g8_04-ju_kaidan_g", "これに対し、パウエル長官より、主", "パウエル長官", "相手側", True),
    ("mofa-g8_04-ju_kaidan_g", "パウエル長官は国連の関与について", "パウエル長官", "相手側", True),
    ("mofa-g8_04-ju_kaidan_g", "川口大臣より、米兵によるイラク人", "川口大臣", "日本側", True),
    ("mofa-g8_04-ju_kaidan_g", "これに対し、パウエル長官からは、", "パウエル長官", "相手側", True),
    ("mofa-page1_000601-alt", "7月17日(火曜日),東京にて,", None, None, False),
    ("mofa-page1_000601-alt", "定期首脳協議に先立ち,約1時間の", None, None, False),
    ("mofa-page1_000601-alt", "また,今回の定期首脳協議に際し,", None, None, False),
    ("mofa-page1_000601-alt", "両首脳は,5年以上に及ぶ交渉を経", "両首脳", "双方", True),
    ("mofa-page1_000601-alt", "安倍総理は,両協定の署名は,日E", "安倍総理", "日本側", True),
    ("mofa-page1_000601-alt", "また,SPAの署名については,基", "安倍総理", "日本側", False),
    ("mofa-page1_000601", "7月17日(火曜日),東京にて,", None, None, False),
    ("mofa-page1_000601", "定期首脳協議に先立ち,約1時間の", None, None, False),
    ("mofa-page1_000601", "また,今回の定期首脳協議に際し,", None, None, False),
    ("mofa-page1_000601", "両首脳は,5年以上に及ぶ交渉を経", "両首脳", "双方", True),
    ("mofa-page1_000601", "安倍総理は,両協定の署名は,日E", "安倍総理", "日本側", True),
    ("mofa-page1_001107", "3月2日、午後6時25分から約3", None, None, False),
    ("mofa-page1_001107", "岸田総理大臣から、外務大臣時代か", "岸田総理大臣", "日本側", True),
    ("mofa-page1_001107", "これに対し、シュタインマイヤー大", "シュタインマイヤー大統領", "相手側", True),
    ("mofa-page1_001107", "双方は、ウクライナ情勢につき意見", "双方", "双方", True),
    ("mofa-page1_001107", "また、「シュ」大統領から対露制裁", "「シュ」大統領", "相手側", True),
    ("mofa-page1_001107", "ウクライナ情勢をはじめとして、国", None, None, False),
    ("mofa-page1_001107", "また、双方は、かつて両国の外相と", "双方", "双方", True),
    ("mofa-page1_001821", "9月9日(土曜日)、現地時間午後", None, None, False),
    ("mofa-page1_001821", "冒頭、モディ首相から、岸田総理の", "モディ首相", "相手側", True),
    ("mofa-page1_001821", "また、岸田総理のリーダーシップの", "モディ首相", "相手側", False),
    ("mofa-page1_001821", "これに対し、岸田総理から、モディ", "岸田総理", "日本側", True),
    ("mofa-page1_001821", "また、岸田総理から、先般のインド", "岸田総理", "日本側", True),
    ("mofa-page1_001821", "両首脳は、法の支配に基づく自由で", "両首脳", "双方", True),
    ("mofa-page1_001821", "岸田総理から、近年、日印関係は順", "岸田総理", "日本側", True),
    ("mofa-page1_001821", "また、両首脳は、日印両国の旗艦プ", "両首脳", "双方", True),
    ("mofa-page1_001821", "両首脳は、本年3月に合意した「日", "両首脳", "双方", True),
    ("mofa-page2_000120", "安倍総理大臣から,親愛なる友人で", "安倍総理大臣", "日本側", True),
    ("mofa-page2_000120", "これに対し,レンツィ首相から,訪", "レンツィ首相", "相手側", True),
    ("mofa-page2_000120", "また,レンツィ首相から,ミラノ万", "レンツィ首相", "相手側", True),
    ("mofa-page2_000120", "両首脳は,来年の伊勢志摩サミット", "両首脳", "双方", True),
    ("mofa-page2_000120", "安倍総理大臣から,成長戦略を説明", "安倍総理大臣", "日本側", True),
    ("mofa-page2_000120", "レンツィ首相からは,成長促進を重", "レンツィ首相", "相手側", True),
    ("mofa-page2_000120", "両首脳は双方の取組を評価するとと", "両首脳", "双方", True),
    ("mofa-page2_000120", "安倍総理大臣から,ミラノ万博での", "安倍総理大臣", "日本側", True),
    ("mofa-page2_000120", "レンツィ首相からは賛同が示され,", "レンツィ首相", "相手側", True),
    ("mofa-page2_000120", "安倍総理大臣から,両国の姉妹都市", "安倍総理大臣", "日本側", True),
    ("mofa-page3_000622", "木原誠二外務大臣政務官は1月15", None, None, False),
    ("mofa-page3_000622", "15日、「ノン・プロジェクト無償", None, None, False),
    ("mofa-page3_000622", "会談において、昨年は両国首脳の相", "双方", "双方", True),
    ("mofa-page3_000622", "また、木原政務官からは我が国の安", "木原政務官", "日本側", True),
    ("mofa-page3_000622", "双方は地域情勢についても意見交換", "双方", "双方", True),
    ("mofa-page3_000622", "また、16日、ガンホヤグ外務副大", None, None, False),
    ("mofa-page3_000622", "15日、チョローンバト経済・開発", None, None, False),
    ("mofa-page3_000622", "日モンゴル経済連携協定(EPA)", None, None, False),
    ("mofa-page3_000622", "16日午前、木原政務官は政府庁舎", None, None, False),
    ("mofa-page3_000622", "木原政務官からは昨年3月の安倍総", "木原政務官", "日本側", True),
    ("mofa-page3_001405", "9月30日、国連総会出席のためニ", None, None, False),
    ("mofa-page3_001405", "なお、岸田大臣とビショップ外相と", None, None, False),
    ("mofa-page3_001405", "冒頭、岸田大臣からビショップ大臣", "岸田大臣", "日本側", True),
    ("mofa-page3_001405", "これに対しビショップ外相は、日豪", "ビショップ外相", "相手側", True),
    ("mofa-page3_001405", "二国間関係について、岸田大臣から", "岸田大臣", "日本側", True),
    ("mofa-page3_001405", "ビショップ外相からは、先般の首脳", "ビショップ外相", "相手側", True),
    ("mofa-page3_001405", "両大臣は、基本的価値と戦略的利益", "両大臣", "双方", True),
    ("mofa-page3_001405", "軍縮・不拡散について、岸", None, None, False),
    ("mofa-page3_001494", "第6回日豪「2+2」出席のためシ", None, None, False),
    ("mofa-page3_001494", "岸田外相とビショップ外相は、アジ", "岸田外相とビショップ外相", "双方", True),
    ("mofa-page3_001494", "両外相は、幅広い分野で日豪の協力", "両外相", "双方", True),
    ("mofa-page3_001494", "豪州が進める「新コロンボ計画」の", None, None, False),
    ("mofa-page3_001494", "南シナ海情勢について、両外相は、", "両外相", "双方", True),
    ("mofa-page3_001494", "両外相は、今後の核軍縮・不拡散に", "両外相", "双方", True),
    ("mofa-page3_002473", "本21日,午後6時30分から約2", None, None, False),
    ("mofa-page3_002473", "冒頭,河野外務大臣から,5月18", "河野外務大臣", "日本側", True),
    ("mofa-page3_002473", "そして両大臣は,法の支配に基づく", "両大臣", "双方", True),
    ("mofa-page3_002473", "更に,両外務大臣は,二国間関係の", "両外務大臣", "双方", True),
    ("mofa-page4_001175", "本11日,午後4時20分過ぎから", None, None, False),
    ("mofa-page4_001175", "概要は以下のとおりです。", None, None, False),
    ("mofa-page4_001175", "安倍総理大臣から,総選挙での保守", "安倍総理大臣", "日本側", True),
    ("mofa-page4_001175", "これに対して,キャメロン首相は,", "キャメロン首相", "相手側", True),
    ("mofa-page4_001175", "両首相は,来月のG7サミットは気", "両首相", "双方", True),
    ("mofa-page4_001505", "2日午前10時頃から約1時間45", None, None, False),
    ("mofa-page4_001505", "なお,首脳会談においては,冒頭に", None, None, False),
    ("mofa-page4_001505", "両首脳に加え,日本側からは,岸田", None, None, False),
    ("mofa-page4_001505", "両首脳は,日韓間の諸懸案について", "両首脳", "双方", True),
    ("mofa-page4_001505", "安倍総理からは諸懸案について日本", "安倍総理", "日本側", True),
    ("mofa-page4_001505", "慰安婦問題については,日韓関係の", None, None, False),
    ("mofa-page4_001505", "本件への対応について,局長協議等", None, None, False),
    ("mofa-page4_001505", "両首脳は,今後も協議を継続し,本", "両首脳", "双方", True),
    ("mofa-page4_001505", "両首脳は,日韓間の意思疎通を図る", "両首脳", "双方", True),
    ("mofa-page4_001505", "安全保障,人的交流,経済を始めと", None, None, False),
    ("mofa-page4_001505", "なお,南シナ海における現状につい", "安倍総理", "日本側", True),
    ("mofa-page4_001505", "北朝鮮問題について突っ込", None, None, False),
    ("mofa-page4_001557", "11月18日午後1時25分(日本", None, None, False),
    ("mofa-page4_001557", "安倍総理から,トルドー首相の就任", "安倍総理", "日本側", True),
    ("mofa-page4_001557", "これに対し,トルドー首相は,過去", "トルドー首相", "相手側", True),
    ("mofa-page4_001557", "また,安倍総理から,パリで発生し", "安倍総理", "日本側", True),
    ("mofa-page4_001557", "これに対し,トルドー首相は,カナ", "トルドー首相", "相手側", True),
    ("mofa-page4_001557", "安倍総理から,平和安全法制(PD", "安倍総理", "日本側", True),
    ("mofa-page4_001557", "両首脳は,協力を強化していくこと", "両首脳", "双方", True),
    ("mofa-page4_001557", "両首脳は,共に自由貿易を支持し,", "両首脳", "双方", True),
    ("mofa-page4_001933", "4月10日(日曜日)22時20分", None, None, False),
    ("mofa-page4_001933", "岸田大臣からは,2年前のNPDI", "岸田大臣", "日本側", True),
    ("mofa-page4_001933", "またヴェスターヴェレ前外相,ゲン", None, None, False),
    ("mofa-page4_001933", "シュタインマイヤー外相からは,再", "シュタインマイヤー外相", "相手側", True),
    ("mofa-page4_001933", "両外相は,G7外相会合の成功に向", "両外相", "双方", True),
    ("mofa-page4_001933", "両外相は,国連安保理改革に関して", "両外相", "双方", True),
    ("mofa-page4_001933", "両外相はまた,ロシア・ウクライナ", "両外相", "双方", True),
    ("mofa-page4_001933", "加えて,日独二国間関係の一層の進", "両外相", "双方", False),
    ("mofa-page4_002179", "15日,午後14時から約1時間,", None, None, False),
    ("mofa-page4_002179", "黄川田政務官とマルコーラ外相は,", "黄川田政務官とマルコーラ外相", "双方", True),
    ("mofa-page4_002179", "北朝鮮に関しては,核・ミサイル開", None, None, False),
    ("mofa-page4_002179", "また,黄川田政務官は,比中仲裁裁", "黄川田政務官", "日本側", True),
    ("mofa-page4_002179", "両者は,国際法に基づき,紛争が平", "両者", "双方", True),
    ("mofa-page4_002179", "これに続き,両者は,南米情勢やメ", "両者", "双方", True),
    ("mofa-page4_002490", "本14日午後6時40分から午後7", None, None, False),
    ("mofa-page4_002490", "安倍総理大臣から,ガウク大統領の", "安倍総理大臣", "日本側", True),
    ("mofa-page4_002490", "ガウク大統領から,暖かい歓迎に感", "ガウク大統領", "相手側", True),
    ("mofa-page4_002490", "両首脳は,日本の積極的平和主義と", "両首脳", "双方", True),
    ("mofa-page4_003020", "5月26日18時15分から,G7", None, None, False),
    ("mofa-page4_003020", "安倍総理からは,マクロン大統領の", "安倍総理", "日本側", True),
    ("mofa-page4_003020", "マクロン大統領からは,日仏は,自", "マクロン大統領", "相手側", True),
    ("mofa-page4_003020", "両首脳は,安全保障・防衛協力分野", "両首脳", "双方", True),
    ("mofa-page4_003020", "仏海軍艦隊「ジャンヌ・ダルク」の", None, None, False),
    ("mofa-page4_003020", "安倍総理から,インド太平洋に領土", "安倍総理", "日本側", True),
    ("mofa-page4_003020", "また,両首脳は,パリ協定について", "両首脳", "双方", True),
    ("mofa-page4_003020", "また総理から,マクロン大統領にも", "総理", "日本側", True),
    ("mofa-page4_003020", "日EU・EPAについて,", None, None, False),
    ("mofa-page4_003113", "本7日9時40分(現地時間)から", None, None, False),
    ("mofa-page4_003113", "冒頭安倍総理から,文大統領と共に", "安倍総理", "日本側", True),
    ("mofa-page4_003113", "続いて,安倍総理から,戦略的利益", "安倍総理", "日本側", True),
    ("mofa-page4_003113", "北朝鮮問題については,安倍総理か", "安倍総理", "日本側", True),
    ("mofa-page4_003344", "9月21日午後3時45分頃(日本", None, None, False),
    ("mofa-page4_003344", "双方は,本年9月29日に日中国交", "双方", "双方", True),
    ("mofa-page4_003344", "双方は,今後の首脳往来の実現も念", "双方", "双方", True),
    ("mofa-page4_003344", "日中韓サミットについて,河野大臣", "河野大臣", "日本側", True),
    ("mofa-page4_003344", "その中で,河野大臣から,早期に訪", "河野大臣", "日本側", True),
    ("mofa-page4_003344", "王部長から,歓迎する旨の発言があ", "王部長", "相手側", True),
    ("mofa-page4_003344", "双方は,経済面での幅広い協力を進", "双方", "双方", True),
    ("mofa-page4_003344", "双方は,日中戦略対話,日中安保対", "双方", "双方", True),
    ("mofa-page4_003344", "邦人拘束事案について,河野大臣か", "河野大臣", "日本側", True),
    ("mofa-page4_003344", "河野大臣から,国際社会が一致して", "河野大臣", "日本側", True),
    ("mofa-page4_003728", "本6日午後6時頃から約60分間,", None, None, False),
    ("mofa-page4_003728", "なお,首脳会談後,安倍総理大臣夫", None, None, False),
    ("mofa-page4_003728", "夕食会は,日独関係にゆかりのある", None, None, False),
    ("mofa-page4_003728", "安倍総理大臣から,大統領として初", "安倍総理大臣", "日本側", True),
    ("mofa-page4_003728", "シュタインマイヤー大統領から,日", "シュタインマイヤー大統領", "相手側", True),
    ("mofa-page4_003728", "両首脳は,ベートーベンの交響曲第", "両首脳", "双方", True),
    ("mofa-page4_004447", "現地時間10月26日午後3時頃か", None, None, False),
    ("mofa-page4_004447", "王毅国務委員兼外交部長から,今般", "王毅国務委員兼外交部長", "相手側", True),
    ("mofa-page4_004447", "河野大臣から,安倍総理の訪中に対", "河野大臣", "日本側", True),
    ("mofa-page4_004447", "双方は,今般署名に至った外交当局", "双方", "双方", True),
    ("mofa-page4_004447", "双方は,日本産食品の輸入規制につ", "双方", "双方", True),
    ("mofa-page4_004447", "双方は,東シナ海の安定の重要性で", "双方", "双方", True),
    ("mofa-page4_004537", "11月23日,「第4回地中海対話", None, None, False),
    ("mofa-page4_004537", "河野大臣から,10月からロシア人", "河野大臣", "日本側", True),
    ("mofa-page4_004537", "ラヴロフ外相から,同措置について", "ラヴロフ外相", "相手側", True),
    ("mofa-page4_004537", "平和条約締結問題に関して,シンガ", None, None, False),
    ("mofa-page4_004537", "河野大臣から,来月の貿易経済政府", "河野大臣", "日本側", True),
    ("mofa-page4_004537", "ラヴロフ外相から,同委員会に期待", "ラヴロフ外相", "相手側", True),
    ("mofa-page4_004951", "5月6日21時40分頃から約40", None, None, False),
    ("mofa-page4_004951", "両首脳は,北朝鮮をめぐる最新の情", "両首脳", "双方", True),
    ("mofa-page4_004951", "両首脳は朝鮮半島の完全な非核化に", "両首脳", "双方", True),
    ("mofa-page4_004951", "両首脳は,拉致核・ミサイルの諸問", "両首脳", "双方", True),
    ("mofa-page4_004951", "安倍総理から,上皇陛下の御退位,", "安倍総理", "日本側", True),
    ("mofa-page4_004951", "両首脳は,5月25日から28日に", "両首脳", "双方", True),
    ("mofa-page4_005200", "8月24日午後5時35分(現地時", None, None, False),
    ("mofa-page4_005200", "冒頭,安倍総理から,京都での放火", "安倍総理", "日本側", True),
    ("mofa-page4_005200", "また,安倍総理から,WTO改革大", "安倍総理", "日本側", True),
    ("mofa-page4_005200", "トルドー首相から,賛意と共に,安", "トルドー首相", "相手側", True),
    ("mofa-page4_005200", "両首脳は,「自由で開かれたインド", "両首脳", "双方", True),
    ("mofa-page4_005200", "また,カナダによる「瀬取り」対応", "両首脳", "双方", False),
    ("mofa-page4_005200", "経済面でも,二国間の貿易・投資を", None, None, False),
    ("mofa-page4_005200", "両首脳は,朝鮮半島情勢や,カナダ", "両首脳", "双方", True),
    ("mofa-page4_005203", "9月25日、午後9時から約30分", None, None, False),
    ("mofa-page4_005203", "習主席からは、内閣総理大臣就任へ", "習主席", "相手側", True),
    ("mofa-page4_005203", "菅総理からは、日中の安定した関係", "菅総理", "日本側", True),
    ("mofa-page4_005203", "また両首脳は、新型コロナウイルス", "両首脳", "双方", True),
    ("mofa-page4_005203", "その後、二国間の懸案事項に加え地", None, None, False),
    ("mofa-page4_005203", "この中で、菅総理から、拉致問題を", "菅総理", "日本側", True),
    ("mofa-page4_005203", "最後に、菅総理から、今後も首脳間", "菅総理", "日本側", True),
    ("mofa-page4_005203", "習主席からも賛意が示され、会談を", "習主席", "相手側", True),
    ("mofa-page4_005538", "1月6日(月曜日)午前11時半頃", None, None, False),
    ("mofa-page4_005538", "冒頭,茂木大臣から,ファン・ビン", "茂木大臣", "日本側", True),
    ("mofa-page4_005538", "ミン副首相兼外相からは,本年最初", "ミン副首相兼外相", "相手側", True),
    ("mofa-page4_005538", "両外相は,ASEANや国連での連", "両外相", "双方", True),
    ("mofa-page4_005538", "さらに,日本の「自由で開かれたイ", "両外相", "双方", False),
    ("mofa-page6_000255", "2月4日(月曜日)18時20分か", None, None, False),
    ("mofa-page6_000255", "冒頭、安倍総理から、約2年ぶりの", "安倍総理", "日本側", True),
    ("mofa-page6_000255", "また、G20大阪サミットに向け、", "安倍総理", "日本側", False),
    ("mofa-page6_000255", "これに対し、メルケル首相は、2年", "メルケル首相", "相手側", True),
    ("mofa-page6_000255", "両首脳は、現下の貿易をめぐる国際", "両首脳", "双方", True),
    ("mofa-page6_000255", "また、両首脳は、英国のEU離脱に", "両首脳", "双方", True),
    ("mofa-page6_000347", "6月28日,午前11時5分ごろか", None, None, False),
    ("mofa-page6_000347", "本会談には,両首脳の他,日本側か", None, None, False),
    ("mofa-page6_000347", "安倍総理大臣から,メイ首相の訪日", "安倍総理大臣", "日本側", True),
    ("mofa-page6_000347", "また,メイ首相の下で日英関係が安", "安倍総理大臣", "日本側", False),
    ("mofa-page6_000347", "これに対し,メイ首相からも,日英", "メイ首相", "相手側", True),
    ("mofa-page6_000347", "両首脳は,本日開幕したG20大阪", "両首脳", "双方", True),
    ("mofa-page6_000347", "両首脳は,自由で開かれたインド太", "両首脳", "双方", True),
    ("mofa-page6_000347", "安倍総理大臣から,EUによる日本", "安倍総理大臣", "日本側", True),
    ("mofa-pageit_000001_00005", "現地時間9月21日午後6時14分", None, None, False),
    ("mofa-pageit_000001_00005", "冒頭、岸田総理大臣から、総理就任", "岸田総理大臣", "日本側", True),
    ("mofa-pageit_000001_00005", "これに対し、モディ首相から、岸田", "モディ首相", "相手側", True),
    ("mofa-pageit_000001_00005", "両首脳は、首脳間年次相互訪問とし", "両首脳", "双方", True),
    ("mofa-pageit_000001_00746", "現地時間6月14日午後19時53", None, None, False),
    ("mofa-pageit_000001_00746", "冒頭、岸田総理大臣から、今年は「", "岸田総理大臣", "日本側", True),
    ("mofa-pageit_000001_00746", "また、クウェートにおける火事で亡", "岸田総理大臣", "日本側", False),
    ("mofa-pageit_000001_00746", "これに対し、モディ首相から、日印", "モディ首相", "相手側", True),
    ("mofa-pageit_000001_00746", "両首脳は、本年中に予定されている", "両首脳", "双方", True),
    ("mofa-pageit_000001_00950", "7月29日、午後3時50分から約", None, None, False),
    ("mofa-pageit_000001_00950", "なお、表敬には、林芳正官房長官、", None, None, False),
    ("mofa-pageit_000001_00950", "冒頭、岸田総理大臣から、3か国の", "岸田総理大臣", "日本側", True),
    ("mofa-pageit_000001_00950", "3か国の外相は、基本的価値を共有", "3か国の外相", "相手側", True),
    ("mofa-pageit_000001_01698", "現地時間3月13日午前9時20分", None, None, False),
    ("mofa-pageit_000001_01698", "本セッションでは、G7発足から5", None, None, False),
    ("mofa-pageit_000001_01698", "国際社会が直面する諸課題を解決す", None, None, False),
    ("mofa-pageit_000001_01698", "岩屋大臣からは、50年の節目に、", "岩屋大臣", "日本側", True),
    ("mofa-pageit_000001_01815", "4月16日、午後3時35分から約", None, None, False),
    ("mofa-pageit_000001_01815", "冒頭、石破総理大臣から、欧州・大", "石破総理大臣", "日本側", True),
    ("mofa-pageit_000001_01815", "これに対し、マクロン大統領は、「", "マクロン大統領", "相手側", True),
    ("mofa-pageit_000001_01815", "また、両首脳は、米国の関税措置や", "両首脳", "双方", True),
    ("mofa-pageit_000001_01815", "両首脳は、法の支配に基づく自由で", "両首脳", "双方", True),
    ("mofa-press4_006030", "本18日,午後4時35分から約2", None, None, False),
    ("mofa-press4_006030", "河野大臣から,日本は引き続き合意", "河野大臣", "日本側", True),
    ("mofa-press4_006030", "両大臣は,当事国による核合意の履", "両大臣", "双方", True),
    ("mofa-press4_006030", "また,両大臣は,マース大臣から意", "両大臣", "双方", True),
    ("mofa-press6_000612", "本10日,軽井沢において,日中戦", None, None, False),
    ("mofa-press6_000612", "双方は,2012年6月以来となる", "双方", "双方", True),
    ("mofa-press6_000612", "双方は,その上で,中長期的観点に", "双方", "双方", True),
    ("mofa-press6_000612", "北朝鮮情勢については,本日朝の飛", None, None, False),
    ("mofa-rls_0509f", "5月9日21時05分から約20分", None, None, False),
    ("mofa-rls_0509f", "川口大臣より、先般の中東諸国訪問", "川口大臣", "日本側", True),
    ("mofa-rls_0509f", "これに対しパウエル国務長官は、自", "パウエル国務長官", "相手側", True),
    ("mofa-rls_0509f", "川口大臣より、小泉総理の訪欧の結", "川口大臣", "日本側", True),
    ("mofa-rls_0509f", "これに対し、パウエル国務長官は、", "パウエル国務長官", "相手側", True),
    ("mofa-rls_0509f", "川口大臣より、三者協議に際する緊", "川口大臣", "日本側", True),
    ("mofa-rls_0509f", "これに対しパウエル国務長官は、米", "パウエル国務長官", "相手側", True),
    ("mofa-rls_0509f", "双方は、平和的解決のため、今後と", "双方", "双方", True),
    ("mofa-shuno13-gh", "小泉総理は、22日(火)、東京(", None, None, False),
    ("mofa-shuno13-gh", "今回の定期首脳協議においては、共", None, None, False),
    ("mofa-shuno13-gh", "また、共同記者会見において、20", None, None, False),
    ("mofa-shuno13-gh", "EU拡大、欧州憲法条約採択後初の", None, None, False),
    ("mofa-shuno13-gh", "両首脳は、「日・EU協力のための", "両首脳", "双方", True),
    ("mofa-usa_02-ju_kaidan2", "川口外務大臣は、ワシントン時間1", None, None, False),
    ("mofa-usa_02-ju_kaidan2", "川口大臣より、日朝首脳会談での拉", "川口大臣", "日本側", True),
    ("mofa-usa_02-ju_kaidan2", "また、日米韓の連携が引き続き重要", "川口大臣", "日本側", False),
    ("mofa-usa_02-ju_kaidan2", "これに対しパウエル長官は、非常に", "パウエル長官", "相手側", True),
    ("mofa-usa_02-ju_kaidan2", "右以外、パウエル長官からは特段の", None, None, False),
    ("mofa-usa_02-ju_kaidan2", "川口大臣より、ライス補佐官にも伝", "川口大臣", "日本側", True),
    ("mofa-usa_02-ju_kaidan2", "これに対しパウエル長官より、ニュ", "パウエル長官", "相手側", True),
    ("mofa-vietnam_gk1107", "7月22日(金曜日)、ASEAN", None, None, False),
    ("mofa-vietnam_gk1107", "冒頭、松本大臣から,日本とベトナ", "松本大臣", "日本側", True),
    ("mofa-vietnam_gk1107", "これに対し,キエム副首相兼外相か", "キエム副首相兼外相", "相手側", True),
    ("mofa-vietnam_gk1107", "両大臣は、日越協力委員会の開催、", "両大臣", "双方", True),
    ("mofa-vietnam_gk1107", "両外相間で,二国間の経済協力案件", None, None, False),
    ("000_17ebd0fd11b21086", "２月２２日、米国出張中の安倍総理", None, None, False),
    ("000_17ebd0fd11b21086", "冒頭、オバマ大統領からの歓迎の挨", "オバマ大統領", "相手側", True),
    ("000_17ebd0fd11b21086", "安倍総理より、日本外交の基本方針", "安倍総理", "日本側", True),
    ("000_17ebd0fd11b21086", "また、より強い日本は米国にとって", "安倍総理", "日本側", False),
    ("000_17ebd0fd11b21086", "安倍総理より、アジア太平洋地域の", "安倍総理", "日本側", True),
    ("000_17ebd0fd11b21086", "また、日米の協力関係はグローバル", "安倍総理", "日本側", False),
    ("000_17ebd0fd11b21086", "安倍総理より、オバマ大統領を日本", "安倍総理", "日本側", True),
    ("000_17ebd0fd11b21086", "これに対しオバマ大統領より、日本", "オバマ大統領", "相手側", True),
    ("000_17ebd0fd11b21086", "安倍総理より、厳しさを増す安全保", "安倍総理", "日本側", True),
    ("000_17ebd0fd11b21086", "また、総理より、日米安保体制の抑", "総理", "日本側", True),
    ("000_17ebd0fd11b21086", "オバマ大統領より、日米同盟は日本", "オバマ大統領", "相手側", True),
    ("000_17ebd0fd11b21086", "両首脳は、双方の外務・防衛閣僚に", "両首脳", "双方", True),
    ("000_17ebd0fd11b21086", "安倍総理より、米軍再編については", "安倍総理", "日本側", True),
    ("000_17ebd0fd11b21086", "両首脳は、また、普天間飛行場の移", "両首脳", "双方", True),
    ("000_17ebd0fd11b21086", "安倍総理より、宇宙・サイバーの分", "安倍総理", "日本側", True),
    ("000_17ebd0fd11b21086", "安倍総理より、中国との関係は日本", "安倍総理", "日本側", True),
    ("000_17ebd0fd11b21086", "両首脳は、尖閣諸島を含む状況につ", "両首脳", "双方", True),
    ("000_17ebd0fd11b21086", "安倍総理より、日本は中国に対して", "安倍総理", "日本側", True),
    ("000_17ebd0fd11b21086", "両首脳は、北朝鮮の情勢について意", "両首脳", "双方", True),
    ("000_17ebd0fd11b21086", "また、総理より、このような北朝鮮", "総理", "日本側", True),
    ("000_17ebd0fd11b21086", "安倍総理より、国連安保理決議を通", "安倍総理", "日本側", True),
    ("000_17ebd0fd11b21086", "また、総理より、安保理以外の制裁", "総理", "日本側", True),
    ("000_17ebd0fd11b21086", "両首脳はこの問題での協力を確認し", "両首脳", "双方", True),
    ("000_17ebd0fd11b21086", "両首脳は、北朝鮮の核・ミサイル活", "両首脳", "双方", True),
    ("000_17ebd0fd11b21086", "北朝鮮による拉致問題について、安", "安倍総理", "日本側", True),
    ("000_17ebd0fd11b21086", "安倍総理より、韓国は価値観と利益", "安倍総理", "日本側", True),
    ("000_17ebd0fd11b21086", "両首脳は、現下の北朝鮮情勢等を踏", "両首脳", "双方", True),
    ("000_17ebd0fd11b21086", "安倍総理より、日本としては、安保", "安倍総理", "日本側", True),
    ("000_17ebd0fd11b21086", "両首脳は、日米両国民に犠牲者が出", "両首脳", "双方", True),
    ("000_17ebd0fd11b21086", "オバマ大統領より、アフガニスタン", "オバマ大統領", "相手側", True),
    ("000_17ebd0fd11b21086", "これに対し安倍総理より、日本はア", "安倍総理", "日本側", True),
    ("000_17ebd0fd11b21086", "オバマ大統領より、安倍総理の行っ", "オバマ大統領", "相手側", True),
    ("000_17ebd0fd11b21086", "安倍総理より、日米が協力して、ア", "安倍総理", "日本側", True),
    ("000_17ebd0fd11b21086", "その上で、安倍総理から、①日本に", "安倍総理", "日本側", True),
    ("000_17ebd0fd11b21086", "こうした点を含め、両首脳間でじっ", None, None, False),
    ("000_17ebd0fd11b21086", "安倍総理より、震災後、我が国では", "安倍総理", "日本側", True),
    ("000_17ebd0fd11b21086", "これに対しオバマ大統領より、米国", "オバマ大統領", "相手側", True),
    ("000_17ebd0fd11b21086", "安倍総理より、低炭素社会実現のた", "安倍総理", "日本側", True),
    ("000_17ebd0fd11b21086", "安倍総理より、我が国の原子力政策", "安倍総理", "日本側", True),
    ("000_17ebd0fd11b21086", "これに対しオバマ大統領より、クリ", "オバマ大統領", "相手側", True),
    ("000_17ebd0fd11b21086", "安倍総理より、気候変動に関する２", "安倍総理", "日本側", True),
    ("000_17ebd0fd11b21086", "また、総理は、日本は技術で世界に", "総理", "日本側", True),
    ("000_17ebd0fd11b21086", "両首脳は、日米間で緊密に協力して", "両首脳", "双方", True),
    ("000_17ebd0fd11b21086", "安倍総理より、オバマ大統領の推進", "安倍総理", "日本側", True),
    ("000_17ebd0fd11b21086", "オバマ大統領及び同席のバイデン副", None, None, False),
    ("000_17ebd0fd11b21086", "安倍総理より、子の親権に関するハ", "安倍総理", "日本側", True),
]


def _attributions() -> dict[tuple[str, str], tuple[str | None, str | None]]:
    """What the product attributes to each sentence of the table's readouts."""
    found = {}
    for name in sorted({row[0] for row in SPEAKERS}):
        path = SEED if name == SEED.stem else MOFA_WEB / f"{name}.txt"
        readout = parse_source(Source(name, str(path), "", ("text", path.read_bytes())))
        for paragraph in readout.paragraphs:
            said = {(s.start, s.end): s for s in attribute(paragraph.text)}
            for start, end in sentences(paragraph.text):
                text = paragraph.text[start:end].strip()
                one = said.get((start, end))
                found.setdefault((name, text[:16]), (one.speaker, one.side) if one else (None, None))
    return found


def test_the_judged_table_is_large_enough():
    assert len(SPEAKERS) >= 150
    assert len({row[0] for row in SPEAKERS}) >= 20
    assert sum(1 for row in SPEAKERS if row[2]) >= 150


def test_attributions_are_precise_and_cover_the_sentences_that_name_their_speaker():
    found = _attributions()
    made = [(row, found[row[0], row[1]]) for row in SPEAKERS if found[row[0], row[1]][0]]
    right = [row for row, got in made if got == (row[2], row[3])]
    explicit = [row for row in SPEAKERS if row[4]]
    covered = [row for row in explicit if found[row[0], row[1]] == (row[2], row[3])]
    precision, coverage = len(right) / len(made), len(covered) / len(explicit)
    wrong = [(row, found[row[0], row[1]]) for row, got in made if got != (row[2], row[3])]
    assert precision >= 0.95, (precision, wrong)
    assert coverage >= 0.9, coverage


@pytest.mark.parametrize(
    ("speaker", "side"),
    [
        ("安倍総理", "日本側"),
        ("総理", "日本側"),
        ("岸田大臣", "日本側"),
        ("日本側", "日本側"),
        ("当方", "日本側"),
        ("官房長官", "日本側"),
        ("オバマ大統領", "相手側"),
        ("ビショップ大臣", "相手側"),
        ("王毅国務委員兼外交部長", "相手側"),
        ("先方", "相手側"),
        ("米側", "相手側"),
        ("ベーカー駐日大使", "相手側"),
        ("両首脳", "双方"),
        ("双方", "双方"),
        ("岸田外相とビショップ外相", "双方"),
        ("温家宝総理", ""),
    ],
)
def test_the_side_comes_from_the_speaker_as_written(speaker, side):
    from readouts.indexer.parse.speakers import side_of

    assert side_of(unicodedata.normalize("NFKC", speaker)) == side


def test_a_sentence_that_names_no_speaker_is_not_attributed():
    assert attribute("会談は和やかな雰囲気の中で行われた。夕食会のメニューは和食。") == []


# --- the side filter ----------------------------------------------------------------


def test_side_finds_the_words_in_what_that_side_said(mofa_dev_index):
    said = search_json(mofa_dev_index, "北朝鮮", extra=("--side", "相手側", "--limit", "50"))
    assert said["total"] >= 1
    for hit in said["hits"]:
        assert hit["speaker"]["side"] == "相手側", hit
        assert "北朝鮮" in hit["snippet"]


@pytest.mark.parametrize("side", ["日本側", "相手側", "双方"])
def test_the_counts_per_side_are_what_the_side_filter_finds(mofa_dev_index, side):
    facets = search_json(mofa_dev_index, "北朝鮮")["facets"]["side"]
    counts = {facet["value"]: facet["count"] for facet in facets}
    total = search_json(mofa_dev_index, "北朝鮮", extra=("--side", side))["total"]
    assert counts.get(side, 0) == total > 0


def test_a_hit_shows_who_said_the_sentence_that_matched(mofa_dev_index):
    hits = search_json(mofa_dev_index, "大好きな国")["hits"]
    assert [(hit["doc_id"], hit["speaker"]) for hit in hits] == [
        (SEED_ID, {"name": "オバマ大統領", "side": "相手側"})
    ]


def test_the_page_shows_the_speaker_and_filters_by_side(mofa_dev_client):
    page = mofa_dev_client.get("/search", query_string={"q": "大好きな国"}).get_data(as_text=True)
    assert "発言：オバマ大統領（相手側）" in page
    filtered = mofa_dev_client.get("/search", query_string={"q": "北朝鮮", "side": "相手側"}).get_data(
        as_text=True
    )
    assert "相手側の発言" in filtered
    bad = mofa_dev_client.get("/api/search", query_string={"q": "北朝鮮", "side": "米側"})
    assert bad.status_code == 400 and bad.get_json()["error"].startswith("side:")
