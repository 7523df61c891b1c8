#include "modules/catalog/api/demo_catalog.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace mercato::catalog {

namespace {

// splitmix64: a few lines whose output the algorithm alone fixes. std::uniform_int_distribution and
// friends are left alone because their output differs between standard libraries.
class Rng {
public:
    explicit Rng(std::uint64_t seed) : state_(seed) {}

    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }

    // In [0, n), n > 0. The modulo's bias is below n / 2^64: nothing a demo shop can show.
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }

    template <class Items>
    const auto& pick(const Items& items) {
        return items[below(items.size())];
    }

private:
    std::uint64_t state_;
};

// Where the material or colour goes in a product's name.
enum class Layout {
    finish_first,      // "Walnut Chef's Knife, 20 cm"
    finish_last,       // "Bluetooth Speaker 20 W, Charcoal"
    finish_in_parens,  // "The Quiet Harbour (Paperback)"
};

struct Item {
    std::string_view noun;  // as the name has it
    std::string_view kind;  // as prose has it, with its article: "a chef's knife"
    std::string_view tag;
    // Materials, colours or editions that suit this item; lower-cased they must read in the category's
    // finish sentence, so none is a proper noun.
    std::vector<std::string_view> finishes;
    std::vector<std::string_view> sizes;  // each with its separator (", 20 cm", " 28 L"); none for one size
    // EUR cents, each ending in 00, 49 or 99 so that a clamped price still looks like a price.
    std::int64_t min_price;
    std::int64_t max_price;
    // Shipping weight as packed, of the first size and of the last (the same for one size); sizes between
    // are spread evenly.
    std::int64_t min_grams;
    std::int64_t max_grams;
};

// Adjectives and intros are per category, not per item, so each must fit every item of its category.
struct DemoCategory {
    std::string_view name;
    std::string_view sku_prefix;  // distinct per category, so a sku also tells the shelf
    std::size_t weight;           // its share of the catalog, out of the weights' sum
    Layout layout;
    std::vector<std::string_view> adjectives;
    std::vector<std::string_view> intros;  // each with one "{}" for the item's kind
    std::string_view finish_sentence;      // with one "{}" for the lower-cased finish
    std::vector<std::string_view> tags;    // fit every item of the category
    std::vector<Item> items;
};

constexpr std::array<std::string_view, 4> shared_tags{"bestseller", "new", "eco", "gift-idea"};

constexpr std::array<std::string_view, 4> closings{
    "Ships within two working days.",
    "Free returns within 30 days.",
    "Packed without plastic.",
    "One of our customers' favourites.",
};

std::vector<DemoCategory> build_shop() {
    const std::vector<std::string_view> outdoor_colours{"Forest Green", "Slate Grey", "Ochre", "Navy", "Black", "Rust"};
    const std::vector<std::string_view> sport_colours{"Black", "Navy", "Red", "Ocean Blue", "Lime", "Graphite"};
    const std::vector<std::string_view> scents{"Lavender", "Rose", "Neroli", "Cedarwood", "Bergamot", "Fig"};
    const std::vector<std::string_view> clothing_sizes{", S", ", M", ", L", ", XL"};
    const std::vector<std::string_view> shoe_sizes{", EU 38", ", EU 40", ", EU 42", ", EU 44", ", EU 46"};

    return std::vector<DemoCategory>{
        {"Kitchen", "KIT", 10, Layout::finish_first,
         {"Classic", "Professional", "Hand-Finished", "Everyday", "Heritage", "Compact", "Rustic", "Modern",
          "Essential", "Nordic", "Artisan", "Heavy-Duty", "Slim", "Signature", "Farmhouse"},
         {"{} for everyday cooking, sturdy enough for the weekend feast too.",
          "{} that earns its place on the counter.", "{} chosen by our test kitchen for daily use.",
          "{} made for cooks who like tools that last.", "{} that makes weeknight dinners a little easier."},
         "Made from {} and built to be used every day.",
         {"kitchen", "home-cooking", "everyday", "chef-approved"},
         {
             {"Chef's Knife", "a chef's knife", "knives", {"Walnut", "Olive Wood", "Carbon Steel", "Stainless Steel"},
              {", 16 cm", ", 20 cm", ", 24 cm"}, 3999, 14999, 300, 450},
             {"Cutting Board", "a cutting board", "boards", {"Walnut", "Olive Wood", "Acacia", "Bamboo", "Beech"},
              {", 30 x 20 cm", ", 40 x 28 cm", ", 50 x 35 cm"}, 1999, 8999, 900, 3200},
             {"Frying Pan", "a frying pan", "cookware", {"Carbon Steel", "Cast Iron", "Tri-Ply Steel", "Copper"},
              {", 20 cm", ", 24 cm", ", 28 cm"}, 2999, 12999, 1100, 2400},
             {"Saucepan", "a saucepan", "cookware",
              {"Enamelled Cast Iron", "Tri-Ply Steel", "Copper", "Stainless Steel"},
              {", 1.5 L", ", 2 L", ", 3 L"}, 3499, 17999, 1600, 3200},
             {"Mixing Bowl", "a mixing bowl", "bakeware", {"Stoneware", "Stainless Steel", "Glass", "Enamel"},
              {", 1 L", ", 2.5 L", ", 4 L"}, 1299, 4999, 500, 1400},
             {"Pepper Mill", "a pepper mill", "tableware", {"Walnut", "Beech", "Acacia", "Brushed Steel"},
              {" 14 cm", " 20 cm"}, 1999, 5999, 350, 550},
             {"Salad Bowl", "a salad bowl", "tableware", {"Olive Wood", "Acacia", "Stoneware", "Glass"},
              {", 24 cm", ", 30 cm"}, 1999, 6999, 900, 1600},
             {"Utensil Set", "a utensil set", "utensils", {"Beech", "Olive Wood", "Silicone", "Stainless Steel"},
              {", 3 Pieces", ", 5 Pieces"}, 1499, 4999, 300, 550},
             {"Storage Jar", "a storage jar", "storage", {"Glass", "Stoneware", "Ceramic"},
              {", 0.5 L", ", 1 L", ", 2 L"}, 799, 2999, 450, 1200},
             {"Teapot", "a teapot", "tea", {"Cast Iron", "Porcelain", "Glass", "Stoneware"},
              {", 0.8 L", ", 1.2 L"}, 2499, 8999, 900, 1500},
         }},
        {"Outdoor", "OUT", 8, Layout::finish_last,
         {"Lightweight", "Ultralight", "Packable", "Rugged", "All-Season", "Alpine", "Expedition", "Compact",
          "Trail-Ready", "Weatherproof", "Durable", "Essential", "Backcountry", "Summit", "Ridge"},
         {"{} for long days on the trail.", "{} that packs small and shrugs off bad weather.",
          "{} tested on weekend hikes and longer expeditions.", "{} for campers who count every gram."},
         "Shown here in {}, one of this season's colours.",
         {"outdoor", "hiking", "camping", "adventure"},
         {
             {"Trail Backpack", "a trail backpack", "backpacks", outdoor_colours,
              {" 20 L", " 28 L", " 40 L"}, 4999, 17999, 900, 1600},
             {"Rain Jacket", "a rain jacket", "jackets", outdoor_colours, clothing_sizes, 7999, 24999, 450, 600},
             {"Softshell Jacket", "a softshell jacket", "jackets", outdoor_colours, clothing_sizes,
              6999, 19999, 550, 700},
             {"Dome Tent", "a dome tent", "tents", outdoor_colours,
              {", 1 Person", ", 2 Person", ", 3 Person"}, 9999, 44999, 1600, 3800},
             {"Sleeping Bag", "a sleeping bag", "sleeping-bags", outdoor_colours, {", Regular", ", Long"},
              5999, 29999, 1300, 1500},
             {"Hiking Boots", "a pair of hiking boots", "footwear", outdoor_colours, shoe_sizes,
              8999, 22999, 1300, 1800},
             {"Trekking Poles", "a pair of trekking poles", "trekking-poles", outdoor_colours, {},
              3999, 12999, 650, 650},
             {"Headlamp", "a headlamp", "lighting", outdoor_colours, {" 300 lm", " 500 lm"}, 1999, 7999, 150, 200},
             {"Dry Bag", "a dry bag", "bags", outdoor_colours, {" 10 L", " 20 L", " 35 L"}, 1299, 3999, 150, 300},
             {"Camp Chair", "a camp chair", "camp-furniture", outdoor_colours, {}, 2999, 9999, 1400, 1400},
         }},
        {"Books", "BOO", 10, Layout::finish_in_parens,
         {"The Quiet", "The Last", "The Salt", "The Winter", "The Hidden", "The Little", "The Long", "The Northern",
          "The Forgotten", "The Golden", "The Wild", "The Second", "The Silver", "The Paper", "The Distant",
          "The Summer", "The Lost", "The Open"},
         {"{} to lose a rainy weekend in.", "{} our booksellers keep recommending.",
          "{} that readers pass on to friends.", "{} worth reading twice."},
         "This is the {} edition.",
         {"books", "reading", "book-club", "staff-pick"},
         {
             {"Harbour", "a novel", "fiction", {"Paperback", "Hardcover", "Large Print"}, {}, 899, 2499, 450, 450},
             {"Orchard", "a novel", "fiction", {"Paperback", "Hardcover", "Large Print"}, {}, 899, 2499, 450, 450},
             {"Lighthouse Keeper", "a novel", "fiction", {"Paperback", "Hardcover", "Large Print"}, {},
              899, 2499, 450, 450},
             {"Clockmaker", "a novel", "fiction", {"Paperback", "Hardcover", "Large Print"}, {}, 899, 2499, 450, 450},
             {"Detective's Daughter", "a mystery", "mystery", {"Paperback", "Hardcover", "Large Print"}, {},
              799, 1999, 400, 400},
             {"Night Train", "a thriller", "thriller", {"Paperback", "Hardcover", "Large Print"}, {},
              799, 1999, 400, 400},
             {"Garden Year", "a gardening handbook", "gardening", {"Paperback", "Hardcover", "Illustrated"},
              {}, 1499, 3499, 800, 800},
             {"Sourdough Kitchen", "a cookbook", "cookbooks", {"Hardcover", "Illustrated"}, {}, 1999, 3499, 1200, 1200},
             {"Vegetable Table", "a cookbook", "cookbooks", {"Hardcover", "Illustrated"}, {}, 1999, 3499, 1200, 1200},
             {"Mountain Atlas", "an illustrated atlas", "travel", {"Hardcover", "Illustrated"}, {},
              1999, 3499, 1500, 1500},
             {"Birdwatcher's Notebook", "a field guide", "nature", {"Paperback", "Hardcover", "Illustrated"},
              {}, 1299, 2999, 600, 600},
             {"Map of Stars", "a guide to the night sky", "science", {"Paperback", "Hardcover", "Illustrated"},
              {}, 1499, 2999, 700, 700},
             {"Book of Knots", "a practical handbook", "hobbies", {"Paperback", "Hardcover", "Illustrated"},
              {}, 999, 2499, 500, 500},
             {"History of Bread", "a history", "history", {"Paperback", "Hardcover", "Illustrated"}, {},
              1299, 2999, 650, 650},
         }},
        {"Electronics", "ELE", 10, Layout::finish_last,
         {"Smart", "Pro", "Compact", "Portable", "Ultra-Slim", "Everyday", "Studio", "Travel", "Essential", "Premium",
          "Advanced", "Mini", "Classic", "Home", "Active"},
         {"{} that just works, out of the box.", "{} reviewed and approved by our tech team.",
          "{} built for work, play and everything between.",
          "{} designed to be easy to set up and hard to outgrow."},
         "Finished in {}, with a two-year warranty.",
         {"electronics", "tech", "gadgets", "warranty-2y"},
         {
             {"Noise-Cancelling Headphones", "a pair of headphones", "audio",
              {"Matte Black", "Silver", "White", "Midnight Blue"}, {}, 7999, 34999, 650, 650},
             {"Wireless Earbuds", "a pair of earbuds", "audio", {"Black", "White", "Sage Green"}, {},
              3999, 24999, 200, 200},
             {"Bluetooth Speaker", "a speaker", "speakers", {"Charcoal", "Sand", "Ocean Blue"},
              {" 10 W", " 20 W", " 40 W"}, 2999, 19999, 600, 1800},
             {"USB-C Charger", "a charger", "charging", {"Black", "White"}, {" 30 W", " 65 W", " 100 W"},
              1999, 6999, 150, 350},
             {"Power Bank", "a power bank", "charging", {"Black", "White", "Graphite"},
              {" 10,000 mAh", " 20,000 mAh"}, 2499, 7999, 300, 500},
             {"Smartwatch", "a smartwatch", "wearables", {"Graphite", "Silver", "Rose Gold"},
              {" 41 mm", " 45 mm"}, 14999, 49999, 250, 280},
             {"E-Reader", "an e-reader", "e-readers", {"Black", "Sage Green"}, {" 6 Inch", " 7 Inch"},
              9999, 29999, 350, 450},
             {"Laptop", "a laptop", "computers", {"Space Grey", "Silver"},
              {" 13 Inch", " 14 Inch", " 16 Inch"}, 59999, 89999, 2200, 3200},
             {"4K Monitor", "a monitor", "monitors", {"Black", "White"}, {" 27 Inch", " 32 Inch"},
              29999, 79999, 7500, 10500},
             {"Mechanical Keyboard", "a keyboard", "accessories", {"Black", "White", "Grey"}, {},
              4999, 17999, 1300, 1300},
             {"Webcam", "a webcam", "accessories", {"Black", "White"}, {" 1080p", " 4K"}, 3999, 14999, 300, 350},
         }},
        {"Toys", "TOY", 8, Layout::finish_first,
         {"Classic", "Colourful", "Curious", "Happy", "Little", "Deluxe", "Mini", "Junior", "Giant", "Rainbow",
          "Friendly", "Clever", "Cosy", "Playful", "Jolly"},
         {"{} for hours of imaginative play.", "{} that grows with curious minds.",
          "{} loved by children and grown-ups alike.", "{} built to survive the playroom."},
         "Made from {} with child-safe, non-toxic finishes.",
         {"toys", "kids", "learning", "ages-3-plus"},
         {
             {"Building Blocks", "a set of building blocks", "construction",
              {"Beech Wood", "Recycled Plastic", "Bamboo"},
              {", 50 Pieces", ", 100 Pieces", ", 200 Pieces"}, 1999, 6999, 900, 3000},
             {"Jigsaw Puzzle", "a jigsaw puzzle", "puzzles", {"Recycled Cardboard", "Birch Plywood"},
              {", 500 Pieces", ", 1000 Pieces"}, 1299, 3999, 500, 900},
             {"Teddy Bear", "a teddy bear", "plush", {"Organic Cotton", "Knitted Wool", "Recycled Polyester"},
              {", 25 cm", ", 40 cm"}, 1499, 4999, 300, 700},
             {"Train Set", "a train set", "vehicles", {"Beech Wood", "Die-Cast Metal"},
              {", 20 Pieces", ", 40 Pieces"}, 2999, 12999, 1500, 2800},
             {"Kite", "a kite", "outdoor-play", {"Ripstop Nylon", "Recycled Polyester"}, {}, 1499, 3999, 400, 400},
             {"Doll's House", "a doll's house", "pretend-play", {"Birch Plywood", "Beech Wood"}, {},
              4999, 14999, 6500, 6500},
             {"Marble Run", "a marble run", "construction", {"Beech Wood", "Bamboo", "Recycled Plastic"},
              {", 60 Pieces", ", 120 Pieces"}, 2499, 8999, 1800, 3200},
             {"Play Kitchen", "a play kitchen", "pretend-play", {"Birch Plywood", "Pine"}, {},
              7999, 19999, 14000, 14000},
             {"Rocking Horse", "a rocking horse", "ride-ons", {"Beech Wood", "Pine"}, {}, 8999, 24999, 9500, 9500},
             {"Xylophone", "a xylophone", "musical-toys", {"Beech Wood", "Bamboo"},
              {", 8 Notes", ", 12 Notes"}, 1499, 3999, 600, 900},
         }},
        {"Garden", "GAR", 7, Layout::finish_first,
         {"Classic", "Heavy-Duty", "Compact", "Ergonomic", "Traditional", "Cottage", "Professional", "Everyday",
          "Rustic", "Sturdy", "Lightweight", "Essential", "Heritage", "Allotment", "Weatherproof"},
         {"{} for gardeners who like their tools to last.", "{} that makes the weekend jobs quicker.",
          "{} at home on the patio, the allotment or the balcony.", "{} recommended by our gardening team."},
         "Made from {} to last season after season.",
         {"garden", "outdoor-living", "gardening", "spring"},
         {
             {"Watering Can", "a watering can", "watering", {"Galvanised Steel", "Copper", "Recycled Plastic"},
              {", 5 L", ", 9 L"}, 1999, 6999, 1100, 1800},
             {"Trowel", "a trowel", "hand-tools", {"Stainless Steel", "Carbon Steel", "Ash Wood"}, {},
              899, 2999, 350, 350},
             {"Pruning Shears", "a pair of pruning shears", "hand-tools", {"Carbon Steel", "Stainless Steel"},
              {}, 1499, 4999, 300, 300},
             {"Raised Bed", "a raised bed", "planting", {"Larch", "Cedar", "Galvanised Steel"},
              {", 100 x 50 cm", ", 180 x 90 cm"}, 4999, 19999, 12000, 28000},
             {"Plant Pot", "a plant pot", "planters", {"Terracotta", "Glazed Ceramic", "Recycled Plastic"},
              {", 15 cm", ", 25 cm", ", 40 cm"}, 799, 4999, 900, 7500},
             {"Bird Feeder", "a bird feeder", "wildlife", {"Cedar", "Galvanised Steel", "Bamboo"}, {},
              1299, 3999, 900, 900},
             {"Garden Bench", "a garden bench", "garden-furniture", {"Teak", "Acacia", "Cast Iron"},
              {", 2 Seater", ", 3 Seater"}, 14999, 49999, 24000, 36000},
             {"Hose Reel", "a hose reel", "watering", {"Steel", "Recycled Plastic"}, {", 20 m", ", 30 m"},
              2999, 8999, 3500, 5000},
             {"Compost Bin", "a compost bin", "composting", {"Recycled Plastic", "Larch"},
              {", 220 L", ", 330 L"}, 3999, 12999, 9000, 12500},
             {"Gardening Gloves", "a pair of gardening gloves", "hand-tools", {"Leather", "Nitrile-Coated Cotton"},
              {", S", ", M", ", L"}, 999, 2999, 150, 200},
         }},
        {"Office", "OFF", 7, Layout::finish_first,
         {"Classic", "Practical", "Minimalist", "Executive", "Compact", "Everyday", "Modern", "Professional", "Slim",
          "Studio", "Essential", "Premium", "Heritage", "Signature", "Nordic"},
         {"{} for focused work at home or in the office.", "{} that keeps the desk tidy and the mind clear.",
          "{} chosen by people who spend their days at a desk.", "{} built for long working days."},
         "Made from {} for a desk that looks as good as it works.",
         {"office", "work-from-home", "productivity", "desk-setup"},
         {
             {"Notebook", "a notebook", "stationery", {"Leather", "Linen", "Recycled Paper"},
              {", A5", ", A4"}, 899, 3499, 350, 650},
             {"Fountain Pen", "a fountain pen", "writing", {"Brass", "Resin", "Lacquered Steel"},
              {", Fine Nib", ", Medium Nib"}, 2999, 14999, 150, 150},
             {"Desk Organiser", "a desk organiser", "desk-accessories",
              {"Walnut", "Cork", "Felt", "Powder-Coated Steel"}, {}, 1999, 5999, 900, 900},
             {"Office Chair", "an office chair", "office-furniture", {"Mesh", "Leather", "Wool Fabric"},
              {}, 14999, 59999, 18000, 18000},
             {"Standing Desk", "a standing desk", "office-furniture", {"Oak", "Walnut", "Birch"},
              {", 120 x 60 cm", ", 140 x 70 cm", ", 160 x 80 cm"}, 29999, 89999, 30000, 38000},
             {"Desk Lamp", "a desk lamp", "lighting", {"Brushed Brass", "Powder-Coated Steel", "Aluminium"},
              {}, 3999, 14999, 1800, 1800},
             {"Monitor Stand", "a monitor stand", "desk-accessories", {"Walnut", "Bamboo", "Aluminium"},
              {}, 2999, 8999, 2200, 2200},
             {"Planner", "a planner", "stationery", {"Leather", "Linen", "Recycled Card"},
              {", Weekly", ", Daily"}, 1499, 3999, 450, 650},
             {"Pencil Set", "a set of pencils", "writing", {"Cedar", "Recycled Paper"},
              {", 6 Pieces", ", 12 Pieces"}, 799, 2499, 100, 180},
             {"Laptop Sleeve", "a laptop sleeve", "bags", {"Felt", "Leather", "Canvas"},
              {", 13 Inch", ", 15 Inch"}, 2499, 7999, 300, 400},
         }},
        {"Beauty", "BEA", 8, Layout::finish_first,
         {"Nourishing", "Gentle", "Hydrating", "Soothing", "Restoring", "Daily", "Revitalising", "Calming", "Natural",
          "Organic", "Rich", "Light", "Refreshing", "Brightening", "Botanical"},
         {"{} for a calmer daily routine.", "{} made in small batches.", "{} gentle enough for every day.",
          "{} that turns the daily routine into a small ritual."},
         "Made with {} and free from parabens.",
         {"beauty", "self-care", "cruelty-free", "natural"},
         {
             {"Hand Cream", "a hand cream", "skincare", scents, {", 30 ml", ", 75 ml"}, 899, 2499, 80, 140},
             {"Face Serum", "a face serum", "skincare", {"Hyaluronic Acid", "Green Tea", "Rosehip", "Niacinamide"},
              {", 15 ml", ", 30 ml"}, 1999, 5999, 90, 130},
             {"Body Lotion", "a body lotion", "bodycare", scents, {", 200 ml", ", 400 ml"}, 1299, 3499, 280, 500},
             {"Shampoo", "a shampoo", "haircare", {"Argan", "Rosemary", "Tea Tree", "Nettle"},
              {", 250 ml", ", 500 ml"}, 999, 2999, 330, 600},
             {"Conditioner", "a conditioner", "haircare", {"Argan", "Rosemary", "Coconut", "Oat Milk"},
              {", 250 ml", ", 500 ml"}, 999, 2999, 330, 600},
             {"Lip Balm", "a lip balm", "lipcare", {"Beeswax", "Shea", "Peppermint"}, {}, 599, 1299, 40, 40},
             {"Bath Salts", "a jar of bath salts", "bath", scents, {", 300 g", ", 600 g"}, 1299, 2999, 450, 800},
             {"Soap Bar", "a soap bar", "bath", scents, {", 100 g", ", 200 g"}, 599, 1299, 130, 240},
             {"Face Mask", "a face mask", "skincare", {"Kaolin Clay", "Charcoal", "Green Clay"},
              {", 50 ml", ", 100 ml"}, 1499, 3999, 120, 200},
             {"Facial Oil", "a facial oil", "skincare", {"Rosehip", "Jojoba", "Squalane"},
              {", 15 ml", ", 30 ml"}, 1999, 4999, 90, 130},
         }},
        {"Sports", "SPO", 8, Layout::finish_last,
         {"Pro", "Training", "Performance", "Lightweight", "Essential", "Club", "Elite", "Endurance", "Studio",
          "Active", "Power", "Core", "Classic", "Everyday", "Advanced"},
         {"{} for training days and race days alike.", "{} that keeps up with your workouts.",
          "{} chosen by our staff athletes.", "{} built for sessions that run long."},
         "Shown here in {}, one of this season's colours.",
         {"sports", "fitness", "training", "active-lifestyle"},
         {
             {"Yoga Mat", "a yoga mat", "yoga", sport_colours, {", 4 mm", ", 6 mm"}, 2499, 8999, 1300, 1900},
             {"Running Shoes", "a pair of running shoes", "running", sport_colours, shoe_sizes, 7999, 17999, 700, 1000},
             {"Dumbbell Set", "a dumbbell set", "strength", {"Black", "Chrome"},
              {", 2 x 5 kg", ", 2 x 10 kg"}, 3999, 14999, 10800, 20800},
             {"Resistance Bands", "a set of resistance bands", "strength", sport_colours, {}, 1499, 3999, 400, 400},
             {"Football", "a football", "team-sports", {"White", "Yellow", "Orange"},
              {", Size 4", ", Size 5"}, 1999, 4999, 450, 550},
             {"Tennis Racket", "a tennis racket", "racket-sports", {"Black", "White", "Ocean Blue"},
              {", Grip 2", ", Grip 3"}, 4999, 24999, 600, 620},
             {"Cycling Helmet", "a cycling helmet", "cycling", sport_colours, {", S", ", M", ", L"},
              4999, 17999, 450, 550},
             {"Jump Rope", "a jump rope", "cardio", sport_colours, {}, 999, 2999, 250, 250},
             {"Foam Roller", "a foam roller", "recovery", sport_colours, {", 33 cm", ", 45 cm"}, 1999, 4999, 500, 700},
             {"Gym Bag", "a gym bag", "bags", sport_colours, {", 30 L", ", 45 L"}, 2999, 8999, 800, 1100},
         }},
        {"Home Decor", "HOM", 9, Layout::finish_first,
         {"Modern", "Rustic", "Scandinavian", "Minimalist", "Bohemian", "Vintage", "Handmade", "Classic", "Coastal",
          "Nordic", "Cosy", "Textured", "Artisan", "Elegant", "Industrial"},
         {"{} that makes a house feel like home.", "{} to finish off a living room or bedroom.",
          "{} designed to sit well with what you already own.", "{} that adds texture to a quiet corner."},
         "Made from {} to bring warmth to any room.",
         {"home-decor", "interiors", "living-room", "cosy-home"},
         {
             {"Cushion Cover", "a cushion cover", "cushions", {"Linen", "Velvet", "Wool", "Cotton"},
              {", 45 x 45 cm", ", 50 x 50 cm"}, 1499, 4999, 250, 300},
             {"Throw Blanket", "a throw blanket", "throws", {"Wool", "Cotton", "Alpaca", "Mohair"},
              {", 130 x 170 cm"}, 3999, 14999, 1400, 1400},
             {"Vase", "a vase", "vases", {"Ceramic", "Glass", "Stoneware"}, {", 20 cm", ", 30 cm"},
              1999, 7999, 1000, 2000},
             {"Candle Holder", "a candle holder", "candles", {"Brass", "Marble", "Glass"}, {}, 999, 3999, 600, 600},
             {"Scented Candle", "a scented candle", "candles", {"Soy Wax", "Beeswax", "Rapeseed Wax"},
              {", 200 g", ", 400 g"}, 1499, 4499, 450, 800},
             {"Wall Mirror", "a wall mirror", "mirrors", {"Brass", "Oak", "Rattan"},
              {", 40 cm", ", 60 cm", ", 80 cm"}, 4999, 19999, 2500, 7500},
             {"Table Lamp", "a table lamp", "lighting", {"Ceramic", "Brass", "Rattan", "Linen"}, {},
              4999, 16999, 2600, 2600},
             {"Picture Frame", "a picture frame", "frames", {"Oak", "Walnut", "Brass"},
              {", 13 x 18 cm", ", 20 x 25 cm", ", 30 x 40 cm"}, 999, 3999, 300, 1100},
             {"Rug", "a rug", "rugs", {"Jute", "Wool", "Cotton"},
              {", 120 x 170 cm", ", 160 x 230 cm", ", 200 x 300 cm"}, 7999, 39999, 3500, 11000},
             {"Storage Basket", "a storage basket", "storage", {"Seagrass", "Rattan", "Felt", "Cotton Rope"},
              {", S", ", M", ", L"}, 1499, 4999, 500, 1200},
         }},
        {"Pet Supplies", "PET", 7, Layout::finish_first,
         {"Durable", "Classic", "Deluxe", "Everyday", "Travel", "Compact", "Premium", "Natural", "Happy", "Essential",
          "Adventure", "Sturdy", "Easy-Clean", "Modern", "Heritage"},
         {"{} your pet will claim as their own.", "{} tested by the office dogs and cats.",
          "{} made for pets who play hard and nap harder.", "{} that makes daily care a little simpler."},
         "Made from {}, pet-safe and easy to keep clean.",
         {"pets", "pet-care", "happy-pets", "vet-approved"},
         {
             {"Dog Bed", "a dog bed", "dogs", {"Corduroy", "Faux Fur", "Recycled Polyester", "Cotton Canvas"},
              clothing_sizes, 2999, 12999, 1200, 4500},
             {"Scratching Post", "a scratching post", "cats", {"Sisal", "Jute", "Cardboard"},
              {", 50 cm", ", 80 cm"}, 1999, 6999, 3000, 5500},
             {"Dog Lead", "a dog lead", "dogs", {"Leather", "Rope", "Recycled Nylon"},
              {", 1.2 m", ", 1.8 m"}, 1299, 3999, 200, 280},
             {"Collar", "a collar", "collars", {"Leather", "Recycled Nylon", "Waxed Cotton"},
              {", S", ", M", ", L"}, 999, 2999, 80, 150},
             {"Feeding Bowl", "a feeding bowl", "feeding", {"Stainless Steel", "Ceramic", "Bamboo"},
              {", 0.4 L", ", 0.9 L", ", 1.6 L"}, 799, 2999, 250, 700},
             {"Cat Bed", "a cat bed", "cats", {"Felt", "Wool", "Faux Fur"}, {}, 1999, 5999, 800, 800},
             {"Chew Toy", "a chew toy", "pet-toys", {"Natural Rubber", "Rope", "Hemp"}, {", S", ", L"},
              599, 1999, 150, 350},
             {"Pet Carrier", "a pet carrier", "pet-travel", {"Recycled Polyester", "Ballistic Nylon"},
              {", S", ", M"}, 3499, 9999, 1800, 2600},
             {"Grooming Brush", "a grooming brush", "grooming", {"Beech", "Bamboo"}, {}, 899, 2499, 200, 200},
             {"Water Fountain", "a water fountain", "feeding", {"Ceramic", "Stainless Steel"},
              {", 1.5 L", ", 2.5 L"}, 2999, 6999, 1500, 2200},
         }},
        {"Music", "MUS", 7, Layout::finish_first,
         {"Classic", "Studio", "Vintage", "Compact", "Beginner", "Professional", "Handcrafted", "Travel", "Stage",
          "Deluxe", "Essential", "Signature", "Heritage", "Student", "Performer"},
         {"{} for the first lesson and the hundredth gig.", "{} that sounds better every time it is played.",
          "{} chosen by the musicians in our team.", "{} made for practice rooms and small stages."},
         "Made from {} and checked by our in-store musicians.",
         {"music", "musicians", "instruments", "practice"},
         {
             {"Ukulele", "a ukulele", "ukuleles", {"Mahogany", "Spruce", "Koa", "Acacia"},
              {", Soprano", ", Concert", ", Tenor"}, 3999, 24999, 900, 1300},
             {"Acoustic Guitar", "an acoustic guitar", "guitars", {"Spruce", "Cedar", "Mahogany"}, {},
              14999, 89999, 4500, 4500},
             {"Guitar Strings", "a set of guitar strings", "strings", {"Phosphor Bronze", "Nickel", "Nylon"},
              {", Light", ", Medium"}, 799, 2499, 60, 60},
             {"Drumsticks", "a pair of drumsticks", "percussion", {"Hickory", "Maple", "Oak"},
              {", 5A", ", 7A"}, 999, 2499, 150, 150},
             {"Harmonica", "a harmonica", "harmonicas", {"Brass", "Stainless Steel"},
              {", Key of C", ", Key of G"}, 1999, 7999, 200, 200},
             {"Cajon", "a cajon", "percussion", {"Birch", "Beech", "Walnut"}, {}, 6999, 19999, 5500, 5500},
             {"Music Stand", "a music stand", "accessories", {"Steel", "Beech", "Aluminium"}, {},
              1999, 5999, 2200, 2200},
             {"Guitar Strap", "a guitar strap", "accessories", {"Leather", "Cotton", "Hemp"}, {}, 1499, 4999, 250, 250},
             {"Tambourine", "a tambourine", "percussion", {"Birch", "Maple"}, {", 20 cm", ", 25 cm"},
              1499, 3999, 400, 550},
             {"Violin", "a violin", "violins", {"Spruce", "Maple"}, {", 3/4", ", 4/4"}, 14999, 79999, 2800, 3200},
         }},
    };
}

// Built once, on first use.
const std::vector<DemoCategory>& shop() {
    static const std::vector<DemoCategory> categories = build_shop();
    return categories;
}

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

// The pattern with its "{}" replaced by value.
std::string fill(std::string_view pattern, std::string_view value) {
    const auto at = pattern.find("{}");
    std::string out(pattern.substr(0, at));
    out += value;
    out += pattern.substr(at + 2);
    return out;
}

// Whole euros leaning to the cheap end (the smaller of two draws), as a real shop's shelves do, then
// the endings shoppers expect, .99 most often.
std::int64_t price(Rng& rng, const Item& item) {
    static constexpr std::array<std::int64_t, 4> cents{99, 99, 49, 0};
    const auto low = item.min_price / 100;
    const auto span = static_cast<std::size_t>(item.max_price / 100 - low + 1);
    const auto first = rng.below(span);
    const auto second = rng.below(span);
    const auto euros = low + static_cast<std::int64_t>(std::min(first, second));
    return std::clamp(euros * 100 + cents[rng.below(cents.size())], item.min_price, item.max_price);
}

// 2 to 4 distinct tags: the item's own, sometimes one of the shop-wide ones, the rest from its category.
std::vector<std::string> tags(Rng& rng, const DemoCategory& category, const Item& item) {
    const std::size_t wanted = 2 + rng.below(3);
    std::vector<std::string> out{std::string(item.tag)};
    if (rng.below(10) < 3) out.emplace_back(rng.pick(shared_tags));
    std::vector<std::string_view> pool = category.tags;
    for (std::size_t i = pool.size(); i > 1; --i) std::swap(pool[i - 1], pool[rng.below(i)]);
    for (const auto tag : pool) {
        if (out.size() >= wanted) break;
        if (std::find(out.begin(), out.end(), tag) == out.end()) out.emplace_back(tag);
    }
    return out;
}

// The shipping weight of the item in its size_index-th size, to the nearest 10 g. Draws nothing, so the
// products that follow are drawn as before weights were added.
std::int64_t grams(const Item& item, std::size_t size_index) {
    if (item.sizes.size() < 2) return item.min_grams;
    const auto steps = static_cast<std::int64_t>(item.sizes.size() - 1);
    const auto exact = item.min_grams + (item.max_grams - item.min_grams) * static_cast<std::int64_t>(size_index) / steps;
    return (exact + 5) / 10 * 10;
}

ProductDraft product(Rng& rng, const DemoCategory& category, std::size_t number) {
    const Item& item = rng.pick(category.items);
    const std::string_view adjective = rng.pick(category.adjectives);
    const std::string_view finish = rng.pick(item.finishes);
    // Drawn as rng.pick would, keeping its index for the weight.
    const std::size_t size_index = item.sizes.empty() ? 0 : rng.below(item.sizes.size());
    const std::string_view size = item.sizes.empty() ? std::string_view() : item.sizes[size_index];

    ProductDraft draft;
    std::string digits = std::to_string(number);
    if (digits.size() < 6) digits.insert(0, 6 - digits.size(), '0');
    draft.sku = std::string(category.sku_prefix) + "-" + digits;

    draft.name = std::string(adjective) + " ";
    if (category.layout == Layout::finish_first) draft.name += std::string(finish) + " ";
    draft.name += item.noun;
    draft.name += size;
    if (category.layout == Layout::finish_last) draft.name += ", " + std::string(finish);
    if (category.layout == Layout::finish_in_parens) draft.name += " (" + std::string(finish) + ")";

    draft.description = fill(rng.pick(category.intros), item.kind);
    char& initial = draft.description[0];  // of the kind: "a chef's knife"
    if (initial >= 'a' && initial <= 'z') initial = static_cast<char>(initial - 'a' + 'A');
    draft.description += " " + fill(category.finish_sentence, lower(finish));
    if (rng.below(3) == 0) draft.description += " " + std::string(rng.pick(closings));

    draft.price = price(rng, item);
    draft.currency = "EUR";
    // About 8% sold out, so the "in stock" filter has something to hide.
    draft.stock = rng.below(100) < 8 ? 0 : static_cast<std::int64_t>(1 + rng.below(250));
    draft.category = std::string(category.name);
    draft.tags = tags(rng, category, item);
    draft.weight_grams = grams(item, size_index);
    return draft;
}

}  // namespace

std::vector<ProductDraft> demo_catalog(std::size_t count) {
    const auto& categories = shop();
    std::size_t total_weight = 0;
    for (const auto& category : categories) total_weight += category.weight;

    // One stream, each product drawing the same way whatever the count, so a smaller catalog is the
    // start of a larger one.
    Rng rng(0x6D65726361746FULL);  // "mercato"
    std::vector<ProductDraft> out;
    out.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        auto roll = rng.below(total_weight);
        std::size_t c = 0;
        while (roll >= categories[c].weight) roll -= categories[c++].weight;
        out.push_back(product(rng, categories[c], i + 1));
    }
    return out;
}

}  // namespace mercato::catalog
