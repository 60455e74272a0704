from xml.etree import ElementTree

from orchestre.storefront.images import initials, short_name

SVG = "{http://www.w3.org/2000/svg}"


def test_product_image_is_a_small_titled_svg(client, shop):
    response = client.get("/images/p/85123A.svg")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "Cookie" not in response.get("Vary", "")  # shared HTTP caches may keep it
    assert len(response.content) < 2048
    svg = ElementTree.fromstring(response.content)
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text == "White Hanging Heart T-Light Holder"
    texts = [text.text for text in svg.iter(f"{SVG}text")]
    assert texts == ["WH", "White Hanging Heart…"]


def test_image_sku_is_case_insensitive(client, shop):
    assert client.get("/images/p/85123a.svg").content == client.get("/images/p/85123A.svg").content


def test_images_differ_by_department_and_category(client, shop):
    heart = client.get(f"/images/p/{shop.heart.sku}.svg").content.decode()
    candle = client.get(f"/images/p/{shop.candle.sku}.svg").content.decode()
    mug = client.get(f"/images/p/{shop.mug.sku}.svg").content.decode()
    frame = client.get(f"/images/p/{shop.frame.sku}.svg").content.decode()

    def colour(svg):
        return svg.split('<rect width="240" height="240" fill="')[1][:7]

    def shape(svg):
        return svg.split('<path d="')[-1].split('"')[0]

    assert colour(heart) == colour(candle) == colour(frame) != colour(mug)
    assert shape(heart) == shape(candle) != shape(frame)


def test_product_names_are_escaped_in_the_image(client, shop):
    shop.heart.name = 'Heart <script>alert("x")</script> & co'
    shop.heart.save()

    response = client.get("/images/p/85123A.svg")

    assert b"<script>" not in response.content
    assert ElementTree.fromstring(response.content).find(f"{SVG}title").text == (
        'Heart <script>alert("x")</script> & co'
    )


def test_unknown_or_inactive_product_image_is_404(client, shop):
    shop.candle.is_active = False
    shop.candle.save()

    assert client.get("/images/p/NOPE.svg").status_code == 404
    assert client.get(f"/images/p/{shop.candle.sku}.svg").status_code == 404


def test_initials_and_short_name():
    assert initials("White Hanging Heart T-Light Holder") == "WH"
    assert initials("6 Ribbons Rustic Charm") == "RR"
    assert initials("123") == "?"
    assert short_name("Jumbo Bag Red Retrospot") == "Jumbo Bag Red Retrospot"
    assert short_name("Set of 3 Cake Tins Pantry Design") == "Set of 3 Cake Tins…"
    assert short_name("Supercalifragilisticexpialidocious Mug") == "Supercalifragilisticexp…"
