package geoparse

// Word lists of the geoparser. They describe English news in general, not
// any corpus: capitalised words that are names of some village somewhere but
// almost never mean a place in news, the words that mark organisations and
// people, and the words that make a place name a metonym or an area.

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// notPlaces are lower-cased single words that a gazetteer lists as places but
// that news capitalises for other reasons: calendar words, titles, parts of
// institution names, common nouns and first names that are also villages.
var notPlaces = set(
	"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
	"november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
	"today", "tonight", "yesterday", "tomorrow", "christmas", "easter", "spring", "summer", "autumn", "winter",
	"the", "a", "an", "and", "or", "of", "in", "on", "at", "by", "for", "to", "from", "with", "as", "but",
	"this", "that", "these", "those", "it", "he", "she", "we", "they", "i", "you", "his", "her", "its",
	"our", "their", "my", "your", "there", "here", "what", "when", "where", "who", "why", "how", "if",
	"after", "before", "during", "while", "since", "until", "all", "some", "many", "most", "more", "no",
	"not", "yes", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
	"first", "second", "third", "last", "next", "new", "old", "great", "good", "best", "big", "little",
	"police", "council", "center", "centre", "court", "church", "school", "college", "university",
	"hospital", "department", "office", "ministry", "army", "navy", "force", "forces", "party", "union",
	"association", "society", "company", "club", "team", "board", "committee", "commission", "agency",
	"service", "services", "authority", "government", "state", "city", "county", "district", "province",
	"region", "village", "town", "island", "river", "lake", "mount", "street", "road", "avenue", "park",
	"square", "hall", "house", "bank", "market", "station", "airport", "port", "bridge", "mission",
	"president", "king", "queen", "prince", "princess", "governor", "mayor", "senator", "minister",
	"general", "captain", "major", "colonel", "sheriff", "judge", "chief", "officer", "director",
	"doctor", "professor", "father", "mother", "sister", "brother", "saint", "lord", "lady", "sir",
	"god", "lord's", "jesus", "christ", "allah", "bible", "church's",
	"man", "men", "woman", "women", "people", "child", "children", "family", "friends", "home",
	"news", "times", "post", "press", "daily", "herald", "journal", "tribune", "gazette", "review",
	"report", "reports", "media", "radio", "television", "tv", "online", "web", "internet",
	"health", "care", "medical", "medicine", "science", "energy", "power", "water", "fire", "oil",
	"gas", "gold", "silver", "iron", "steel", "stone", "wood", "glass", "paper", "coal", "salt",
	"north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
	"upper", "lower", "middle", "high", "low", "grand", "little", "big", "long", "short",
	"hope", "faith", "grace", "joy", "peace", "liberty", "freedom", "independence", "unity", "victory",
	"friendship", "commerce", "industry", "enterprise", "progress", "harmony", "concord", "providence",
	"eagle", "bear", "wolf", "fox", "deer", "elk", "beaver", "falcon", "hawk", "lion",
	"tiger", "rose", "lily", "ivy", "daisy", "violet", "olive", "holly", "hazel", "iris",
	"mobile", "reading", "bath", "split", "nice", "van", "aid", "best", "sale", "page", "ada", "ogden",
	"cement", "chance", "climax", "comfort", "energy", "fairplay", "goodnight", "happy", "ideal",
	"justice", "loyal", "magnet", "marble", "nothing", "ordinary", "plain", "plenty", "pride",
	"protection", "reform", "remote", "rescue", "rich", "rising", "security", "similar", "social",
	"story", "success", "sunshine", "surprise", "truth", "usual", "welcome", "worth", "young",
	"republican", "republicans", "democrat", "democrats", "democratic", "congress", "senate", "house",
	"federal", "national", "international", "public", "private", "royal", "imperial", "islamic",
	"christian", "catholic", "muslim", "jewish", "protestant", "baptist", "methodist", "orthodox",
	"english", "french", "spanish", "latin", "arabic", "hebrew", "greek", "roman",
	"mr", "mrs", "ms", "dr", "jr", "sr", "st", "mt", "inc", "ltd", "co", "corp",
	"ok", "okay", "oh", "hey", "please", "thanks", "thank", "sorry",
	"internet", "facebook", "twitter", "google", "youtube", "apple", "amazon", "microsoft",
	"swine", "flu", "ebola", "aids", "hiv", "sars", "virus", "h1n1", "covid",
	"cherry", "orange", "lemon", "apple", "banana", "pepper", "sugar", "honey", "candy",
	"white", "black", "red", "green", "blue", "brown", "gray", "grey", "pink", "golden",
	"obama", "bush", "clinton", "trump", "putin", "assad",
	"xinhua", "interfax", "reuters", "hamas", "hezbollah", "hizbollah", "taliban", "fatah", "nato", "qaeda", "isis", "isil", "opec",
	"section", "much", "nov", "area", "border", "chamber", "liberal", "marines", "marine", "none",
	"still", "over", "any", "academy", "superior", "metro", "arab", "arabs", "county", "parish",
	"white", "house", "senate", "capitol", "pentagon", "kremlin", "congress", "parliament",
)

// neutralWords are capitalised words that say nothing about the name next
// to them: calendar and function words (often capitalised only because they
// start a sentence) and compass words ("Northern Syria").
var neutralWords = set(
	"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
	"november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
	"the", "a", "an", "and", "or", "of", "in", "on", "at", "by", "for", "to", "from", "with", "as", "but",
	"this", "that", "these", "those", "it", "he", "she", "we", "they", "i", "you", "his", "her", "its",
	"our", "their", "there", "here", "when", "where", "while", "after", "before", "during", "since",
	"north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
	"northeast", "northwest", "southeast", "southwest", "upper", "lower", "greater", "downtown", "metro",
	"rural", "new", "old", "st", "st.", "mt", "mt.", "ft", "ft.")

// connectors may stand inside a multi-word place name in lower case.
var connectors = set("of", "de", "del", "della", "di", "da", "do", "dos", "das", "des", "du", "la", "le",
	"les", "los", "las", "el", "al", "ad", "adh", "an", "ar", "as", "ash", "at", "az", "ed", "en", "er",
	"es", "et", "ez", "upon", "on", "sur", "the", "am", "im", "an", "der", "den", "y", "e", "bin", "ibn", "bint")

// nameConnectors are the connectors that may also stand between an
// organisation's head words and a place: "University of Florida",
// "Reconciliation Center for Syria".
var orgConnectors = set("of", "for", "in", "at", "on", "de")

// orgWords mark an organisation, building or event when they follow (or, with
// a connector, precede) a place name: the place word is then a mention.
var orgWords = set(
	"police", "sheriff", "sheriff's", "department", "dept", "county's", "fire", "rescue", "ems",
	"university", "college", "school", "schools", "academy", "institute", "high", "middle", "elementary",
	"hospital", "clinic", "medical", "health", "center", "centre", "council", "commission", "committee",
	"board", "city", "town", "township", "chamber", "club", "association", "society", "foundation",
	"church", "cathedral", "mosque", "temple", "synagogue", "diocese", "ministry", "mission",
	"times", "post", "herald", "journal", "tribune", "gazette", "news", "star", "daily", "press",
	"observer", "independent", "telegraph", "guardian", "courier", "chronicle", "register", "sun",
	"bank", "company", "corporation", "corp", "inc", "group", "airlines", "airways", "railway", "railroad",
	"energy", "electric", "power", "water", "gas", "oil", "international", "national", "regional",
	"state", "federal", "government", "army", "navy", "forces", "force", "guard", "militia", "brigade",
	"party", "front", "movement", "league", "union", "alliance", "coalition", "federation", "congress",
	"court", "courthouse", "jail", "prison", "library", "museum", "zoo", "park", "stadium", "arena",
	"airport", "station", "port", "harbor", "harbour", "mall", "market", "hotel", "inn", "restaurant",
	"street", "road", "avenue", "boulevard", "highway", "bridge", "square", "plaza", "lane", "drive",
	"team", "teams", "fc", "united", "rovers", "athletic", "tech", "braves", "giants", "lions", "tigers",
	"bulls", "bears", "eagles", "hawks", "kings", "warriors", "wildcats", "bulldogs", "cardinals",
	"council's", "conference", "summit", "accord", "agreement", "protocol", "declaration", "treaty",
	"marathon", "open", "cup", "games", "festival", "fair", "show", "expo", "symposium",
	"reconciliation", "observatory", "office", "agency", "authority", "service", "services", "bureau",
	"administration", "assembly", "parliament", "senate", "cabinet", "embassy", "consulate",
	"village", "villages", "camp", "camps", "refugee", "children's", "sos", "charity", "aid", "relief",
	"red", "crescent", "cross", "democratic", "republican", "liberation", "islamic", "arab",
)

// areaWords follow a place name as part of it when capitalised ("Laurel
// County", "Idlib Governorate"); lower-case they mark an area of that name.
var areaWords = set("county", "parish", "province", "governorate", "district", "region",
	"oblast", "prefecture", "borough", "township", "territory", "canton", "municipality")

// placeTypeWords after an unknown capitalised name mark it as a place
// ("the Abu Sharja communities", "Kafr Nabl village").
var placeTypeWords = set("village", "villages", "town", "towns", "community", "communities", "city",
	"district", "area", "areas", "neighbourhood", "neighborhood", "settlement", "settlements", "camp",
	"suburb", "region", "province", "governorate", "countryside", "outskirts", "valley", "plain", "mountains", "hills")

// locatives before a name mark a place.
var locatives = set("in", "near", "at", "from", "outside", "around", "into", "across", "throughout",
	"towards", "toward", "to", "inside", "between", "via", "through", "of")

// strongLocatives mark an unknown name as a place on their own.
var strongLocatives = set("near", "outside", "around", "towards", "toward", "inside", "village", "town")

// titles before a capitalised name make it a person's name.
var titles = set("mr", "mrs", "ms", "miss", "dr", "prof", "professor", "sen", "senator", "rep",
	"representative", "gov", "governor", "president", "pres", "minister", "secretary", "gen",
	"general", "col", "colonel", "lt", "sgt", "capt", "captain", "maj", "major", "officer", "judge",
	"justice", "sheriff", "deputy", "chief", "mayor", "king", "queen", "prince", "princess", "pope",
	"rev", "reverend", "father", "sister", "brother", "saint", "sir", "lord", "lady", "coach",
	"spokesman", "spokeswoman", "commissioner", "chairman", "director", "attorney", "detective",
	"trooper", "sergeant", "lieutenant", "admiral", "sheikh", "emir", "imam", "ayatollah", "councilman",
	"councilwoman", "superintendent", "principal", "dean", "chancellor", "ambassador", "envoy")

// speechVerbs after a place name make it a metonym ("Moscow said").
var speechVerbs = set("said", "says", "say", "announced", "announces", "accused", "accuses", "denied",
	"denies", "warned", "warns", "claimed", "claims", "stated", "insisted", "urged", "urges",
	"condemned", "condemns", "demanded", "demands", "rejected", "rejects", "called", "calls",
	"threatened", "threatens", "signed", "agreed", "agrees", "wants", "welcomed", "responded",
	"decided", "argued", "argues", "believes", "hopes", "vowed", "pledged", "promised",
	"backed", "supported", "helps", "helped", "sent", "sends", "officials", "spokesman", "spokeswoman")

// speakerNouns before "in X"/"from X" make X the seat of the speaker.
var speakerNouns = set("officials", "official", "authorities", "government", "governor", "ministry", "diplomats",
	"leaders", "minister", "ministers", "envoy", "investigators", "delegation", "negotiators", "embassy", "spokesman",
	"spokeswoman", "spokesperson")

// arabicDescriptors after "al-" name a part of the place before them
// ("Daraa al-Balad", the old town of Daraa; "Raqqa al-Jadida"), not a
// person's family name.
var arabicDescriptors = set("balad", "jadida", "jadid", "qadima", "qadim", "sharqi", "sharqiya", "gharbi",
	"gharbiya", "shamali", "shamaliya", "janubi", "janubiya", "kabir", "kabira", "saghir", "saghira", "tahta", "fawqa")

// meetingWords in a sentence make a place after "in" a meeting place.
var meetingWords = set("meet", "meets", "meeting", "talks", "summit", "conference", "visit", "visits",
	"visited", "scheduled", "negotiations", "discuss", "signed", "sign", "forum", "hosted", "host")

// arabicPrefixes start multi-word Arabic place names: an unknown name that
// starts with one is kept whole rather than matched in part.
var arabicPrefixes = set("abu", "abou", "umm", "um", "tal", "tall", "tell", "tel", "kafr", "kfar", "kafar",
	"deir", "dayr", "dair", "beit", "bayt", "bait", "bir", "khirbet", "khirbat", "wadi", "ras", "jisr",
	"jabal", "jebel", "ain", "ayn", "ein", "qasr", "maarat", "maarrat", "maaret", "tall", "hayy", "sheikh", "shaykh")

// usStates maps AP-style abbreviations and postal codes of US states to the
// GeoNames admin-1 code (which is the postal code).
var usStates = map[string]string{
	"ala": "AL", "ariz": "AZ", "ark": "AR", "calif": "CA", "cal": "CA", "colo": "CO", "conn": "CT",
	"del": "DE", "fla": "FL", "ga": "GA", "ill": "IL", "ind": "IN", "kan": "KS", "kans": "KS",
	"ky": "KY", "la": "LA", "md": "MD", "mass": "MA", "mich": "MI", "minn": "MN", "miss": "MS",
	"mo": "MO", "mont": "MT", "neb": "NE", "nebr": "NE", "nev": "NV", "okla": "OK", "ore": "OR",
	"pa": "PA", "penn": "PA", "tenn": "TN", "tex": "TX", "va": "VA", "vt": "VT", "wash": "WA",
	"wis": "WI", "wisc": "WI", "wyo": "WY", "n.c": "NC", "s.c": "SC", "n.d": "ND", "s.d": "SD",
	"n.h": "NH", "n.j": "NJ", "n.m": "NM", "n.y": "NY", "r.i": "RI", "w.va": "WV", "d.c": "DC",
}

// diseaseWords after a place name make it the name of a disease.
var diseaseWords = set("virus", "viruses", "fever", "flu", "disease", "syndrome", "encephalitis", "strain")

// notPlaceNames are multi-word names of institutions that a gazetteer also
// lists as some village (strict keys).
var notPlaceNames = set("white house", "red cross", "red crescent", "capitol hill police", "wall street journal")
